CREATE TABLE projection_rebuilds (
    id           CHAR(36)      NOT NULL,
    projection   VARCHAR(100)  NOT NULL,
    state        VARCHAR(20)   NOT NULL,
    processed    BIGINT        NOT NULL,
    position     BIGINT        NOT NULL,
    head         BIGINT        NOT NULL,
    started_at   TIMESTAMP(6)  NOT NULL,
    finished_at  TIMESTAMP(6),
    failure      VARCHAR(1000),
    PRIMARY KEY (id)
);
CREATE INDEX ix_projection_rebuilds_projection ON projection_rebuilds (projection, started_at);
