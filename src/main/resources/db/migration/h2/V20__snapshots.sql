CREATE TABLE snapshots (
    id                   CHAR(36)      NOT NULL,
    project_id           CHAR(36)      NOT NULL,
    label                VARCHAR(200),
    status               VARCHAR(20)   NOT NULL,
    requested_by         VARCHAR(100),
    commit_id            CHAR(40),
    driver               VARCHAR(20),
    archive_key          VARCHAR(1024),
    size_bytes           BIGINT,
    content_bytes        BIGINT,
    file_count           BIGINT,
    sha256               CHAR(64),
    failure_reason       VARCHAR(1000),
    delete_reason        VARCHAR(500),
    restore_count        INT           NOT NULL,
    last_restored_at     TIMESTAMP(6),
    last_restore_failure VARCHAR(1000),
    requested_at         TIMESTAMP(6)  NOT NULL,
    created_at           TIMESTAMP(6),
    deleted_at           TIMESTAMP(6),
    updated_at           TIMESTAMP(6)  NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_snapshots_project ON snapshots (project_id, requested_at, id);

CREATE TABLE snapshot_retention (
    project_id      CHAR(36)     NOT NULL,
    keep_last       INT,
    max_age_seconds BIGINT,
    set_by          VARCHAR(100),
    set_at          TIMESTAMP(6) NOT NULL,
    PRIMARY KEY (project_id)
);
