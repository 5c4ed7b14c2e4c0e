-- Name claims: written with ProjectRegistered in the command's transaction (command side, not a read model).
CREATE TABLE project_names (
    name_key   VARCHAR(400) NOT NULL,
    project_id CHAR(36)     NOT NULL,
    PRIMARY KEY (name_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Read model of the "projects" projection (projections/projects.json).
CREATE TABLE projects (
    id             CHAR(36)      NOT NULL,
    name           VARCHAR(200)  NOT NULL,
    source_kind    VARCHAR(20)   NOT NULL,
    source         VARCHAR(2048) NOT NULL,
    status         VARCHAR(20)   NOT NULL,
    head_commit    CHAR(40),
    branch         VARCHAR(255),
    cloned_at      DATETIME(6),
    failure_reason VARCHAR(1000),
    registered_at  DATETIME(6)   NOT NULL,
    updated_at     DATETIME(6)   NOT NULL,
    version        BIGINT        NOT NULL,
    PRIMARY KEY (id),
    KEY ix_projects_registered (registered_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
