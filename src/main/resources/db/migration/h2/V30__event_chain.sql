-- Tamper evidence (docs/history.md); the MySQL set has the comments.
CREATE TABLE event_chain (
    chain_seq    BIGINT       NOT NULL,
    global_index BIGINT       NOT NULL,
    event_id     VARCHAR(255) NOT NULL,
    hash         CHAR(64)     NOT NULL,
    PRIMARY KEY (chain_seq),
    CONSTRAINT uk_event_chain_global_index UNIQUE (global_index)
);

CREATE TABLE event_chain_head (
    id          INT      NOT NULL,
    chain_seq   BIGINT   NOT NULL,
    hash        CHAR(64) NOT NULL,
    scanned_to  BIGINT   NOT NULL,
    PRIMARY KEY (id)
);
INSERT INTO event_chain_head (id, chain_seq, hash, scanned_to)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);

CREATE TABLE event_chain_gaps (
    global_index BIGINT       NOT NULL,
    seen_at      TIMESTAMP(6) NOT NULL,
    PRIMARY KEY (global_index)
);

CREATE TABLE event_chain_checkpoints (
    chain_seq    BIGINT       NOT NULL,
    global_index BIGINT       NOT NULL,
    hash         CHAR(64)     NOT NULL,
    created_at   TIMESTAMP(6) NOT NULL,
    PRIMARY KEY (chain_seq)
);
