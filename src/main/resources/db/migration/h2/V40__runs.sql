CREATE TABLE runs (
    id                  CHAR(36)      NOT NULL,
    project_id          CHAR(36)      NOT NULL,
    queue               VARCHAR(40)   NOT NULL,
    provider            VARCHAR(40)   NOT NULL,
    model               VARCHAR(100)  NOT NULL,
    prompt              VARCHAR(1000000) NOT NULL,
    state               VARCHAR(20)   NOT NULL,
    attempt             INT           NOT NULL,
    on_interrupt        VARCHAR(20)   NOT NULL,
    timeout_seconds     BIGINT        NOT NULL,
    max_tokens          BIGINT        NOT NULL,
    max_cost_usd        DOUBLE PRECISION NOT NULL,
    retry_of            CHAR(36),
    requested_by        VARCHAR(100)  NOT NULL,
    node                VARCHAR(100),
    fencing_token       BIGINT,
    first_queued_at     TIMESTAMP(6)  NOT NULL,
    queued_at           TIMESTAMP(6)  NOT NULL,
    starting_at         TIMESTAMP(6),
    started_at          TIMESTAMP(6),
    finished_at         TIMESTAMP(6),
    wait_ms             BIGINT,
    cancel_requested_at TIMESTAMP(6),
    reason              VARCHAR(1000),
    input_tokens        BIGINT        NOT NULL,
    output_tokens       BIGINT        NOT NULL,
    cost_usd            DOUBLE PRECISION NOT NULL,
    turns               INT           NOT NULL,
    tool_calls          INT           NOT NULL,
    files_changed       VARCHAR(1000000),
    files_changed_count INT           NOT NULL,
    duration_ms         BIGINT,
    interruptions       INT           NOT NULL,
    updated_at          TIMESTAMP(6)  NOT NULL,
    version             BIGINT        NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_runs_queue_state ON runs (queue, state, queued_at, id);
CREATE INDEX ix_runs_state ON runs (state, queued_at, id);
CREATE INDEX ix_runs_project ON runs (project_id, first_queued_at, id);
CREATE INDEX ix_runs_queue_started ON runs (queue, starting_at);
CREATE INDEX ix_runs_queue_finished ON runs (queue, finished_at);
CREATE INDEX ix_runs_listed ON runs (first_queued_at, id);
