-- The manifest version (projections/<name>.json) each projection's live tables were built by (docs/history.md):
-- a newer manifest version means the tables must be rebuilt from the history.
CREATE TABLE projection_versions (
    projection   VARCHAR(100) NOT NULL,
    version      INT          NOT NULL,
    recorded_at  DATETIME(6)  NOT NULL,
    PRIMARY KEY (projection)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
