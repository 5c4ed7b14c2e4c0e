-- Read model of the "snapshots" projection (projections/snapshots.json).
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
    last_restored_at     DATETIME(6),
    last_restore_failure VARCHAR(1000),
    requested_at         DATETIME(6)   NOT NULL,
    created_at           DATETIME(6),
    deleted_at           DATETIME(6),
    updated_at           DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    KEY ix_snapshots_project (project_id, requested_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE snapshot_retention (
    project_id      CHAR(36)    NOT NULL,
    keep_last       INT,
    max_age_seconds BIGINT,
    set_by          VARCHAR(100),
    set_at          DATETIME(6) NOT NULL,
    PRIMARY KEY (project_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
