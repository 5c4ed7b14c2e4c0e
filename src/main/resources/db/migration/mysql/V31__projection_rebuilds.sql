-- Projection rebuilds (docs/history.md): one row per rebuild, its progress, and the state of its switch, so a
-- switch interrupted by a crash is completed (or the half-built shadow dropped) at the next start.
CREATE TABLE projection_rebuilds (
    id           CHAR(36)     NOT NULL,
    projection   VARCHAR(100) NOT NULL,
    state        VARCHAR(20)  NOT NULL,
    processed    BIGINT       NOT NULL,
    position     BIGINT       NOT NULL,
    head         BIGINT       NOT NULL,
    started_at   DATETIME(6)  NOT NULL,
    finished_at  DATETIME(6),
    failure      VARCHAR(1000),
    PRIMARY KEY (id),
    KEY ix_projection_rebuilds_projection (projection, started_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
