CREATE TABLE projection_versions (
    projection   VARCHAR(100)  NOT NULL,
    version      INT           NOT NULL,
    recorded_at  TIMESTAMP(6)  NOT NULL,
    PRIMARY KEY (projection)
);
