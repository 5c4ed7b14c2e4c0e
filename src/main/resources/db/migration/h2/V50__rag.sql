-- The embedded default stores embeddings as little-endian float32 bytes (EmbeddingColumn.BINARY).
CREATE TABLE rag_chunks (
    id             BIGINT AUTO_INCREMENT NOT NULL,
    project_id     CHAR(36)          NOT NULL,
    path           VARCHAR(700)      NOT NULL,
    ordinal        INT               NOT NULL,
    start_line     INT               NOT NULL,
    end_line       INT               NOT NULL,
    content_sha256 CHAR(64)          NOT NULL,
    text           VARCHAR(1000000)  NOT NULL,
    embedder       VARCHAR(120)      NOT NULL,
    embedding      VARBINARY(65536)  NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_rag_chunks_file ON rag_chunks (project_id, path);
CREATE INDEX ix_rag_chunks_content ON rag_chunks (project_id, content_sha256);

CREATE TABLE rag_files (
    project_id     CHAR(36)     NOT NULL,
    path           VARCHAR(700) NOT NULL,
    content_sha256 CHAR(64)     NOT NULL,
    size_bytes     BIGINT       NOT NULL,
    chunk_count    INT          NOT NULL,
    embedder       VARCHAR(120) NOT NULL,
    PRIMARY KEY (project_id, path)
);

CREATE TABLE rag_index_runs (
    run_id          CHAR(36)      NOT NULL,
    project_id      CHAR(36)      NOT NULL,
    reason          VARCHAR(100)  NOT NULL,
    requested_by    VARCHAR(100)  NOT NULL,
    status          VARCHAR(20)   NOT NULL,
    requested_at    TIMESTAMP(6)  NOT NULL,
    finished_at     TIMESTAMP(6),
    embedder        VARCHAR(120),
    files_scanned   INT,
    files_changed   INT,
    files_deleted   INT,
    chunks_embedded INT,
    chunks_reused   INT,
    chunks_deleted  INT,
    chunks_total    INT,
    duration_ms     BIGINT,
    failure_reason  VARCHAR(1000),
    PRIMARY KEY (run_id)
);
CREATE INDEX ix_rag_index_runs_project ON rag_index_runs (project_id, requested_at);
