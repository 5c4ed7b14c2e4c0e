CREATE TABLE project_names (
    name_key   VARCHAR(400) NOT NULL,
    project_id CHAR(36)     NOT NULL,
    PRIMARY KEY (name_key)
);

CREATE TABLE projects (
    id             CHAR(36)      NOT NULL,
    name           VARCHAR(200)  NOT NULL,
    source_kind    VARCHAR(20)   NOT NULL,
    source         VARCHAR(2048) NOT NULL,
    status         VARCHAR(20)   NOT NULL,
    head_commit    CHAR(40),
    branch         VARCHAR(255),
    cloned_at      TIMESTAMP(6),
    failure_reason VARCHAR(1000),
    registered_at  TIMESTAMP(6)  NOT NULL,
    updated_at     TIMESTAMP(6)  NOT NULL,
    version        BIGINT        NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_projects_registered ON projects (registered_at, id);
