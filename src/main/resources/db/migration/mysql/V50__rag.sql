-- RAG chunks: data, not events (the index runs that wrote them are the events). The embedding is a JSON array, as
-- in the original deployment; the in-memory vectors are built from it once per load, never per query.
-- PostgreSQL + pgvector would use embedding vector(<dimension>) instead (docs/rag.md).
CREATE TABLE rag_chunks (
    id             BIGINT       NOT NULL AUTO_INCREMENT,
    project_id     CHAR(36)     NOT NULL,
    path           VARCHAR(700) NOT NULL,
    ordinal        INT          NOT NULL,
    start_line     INT          NOT NULL,
    end_line       INT          NOT NULL,
    content_sha256 CHAR(64)     NOT NULL,
    text           MEDIUMTEXT   NOT NULL,
    embedder       VARCHAR(120) NOT NULL,
    embedding      JSON         NOT NULL,
    PRIMARY KEY (id),
    KEY ix_rag_chunks_file (project_id, path),
    KEY ix_rag_chunks_content (project_id, content_sha256)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- What the last index run saw of each file: unchanged files (same hash, same embedder) are skipped.
CREATE TABLE rag_files (
    project_id     CHAR(36)     NOT NULL,
    path           VARCHAR(700) NOT NULL,
    content_sha256 CHAR(64)     NOT NULL,
    size_bytes     BIGINT       NOT NULL,
    chunk_count    INT          NOT NULL,
    embedder       VARCHAR(120) NOT NULL,
    PRIMARY KEY (project_id, path)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Read model of the "rag-index-runs" projection (projections/rag-index-runs.json).
CREATE TABLE rag_index_runs (
    run_id          CHAR(36)      NOT NULL,
    project_id      CHAR(36)      NOT NULL,
    reason          VARCHAR(100)  NOT NULL,
    requested_by    VARCHAR(100)  NOT NULL,
    status          VARCHAR(20)   NOT NULL,
    requested_at    DATETIME(6)   NOT NULL,
    finished_at     DATETIME(6),
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
    PRIMARY KEY (run_id),
    KEY ix_rag_index_runs_project (project_id, requested_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
