-- Tamper evidence (docs/history.md): every stored event is chained, in chaining order, to the one before it.
-- hash = SHA-256(previous hash || canonical bytes of the DomainEventEntry row), hex; chain_seq counts from 1.
CREATE TABLE event_chain (
    chain_seq    BIGINT       NOT NULL,
    global_index BIGINT       NOT NULL,
    event_id     VARCHAR(255) NOT NULL,
    hash         CHAR(64)     NOT NULL,
    PRIMARY KEY (chain_seq),
    UNIQUE KEY uk_event_chain_global_index (global_index)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row: the end of the chain and how far the store has been scanned. Chainers lock it, so only one chains at
-- a time across nodes.
CREATE TABLE event_chain_head (
    id          INT      NOT NULL,
    chain_seq   BIGINT   NOT NULL,
    hash        CHAR(64) NOT NULL,
    scanned_to  BIGINT   NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
INSERT INTO event_chain_head (id, chain_seq, hash, scanned_to)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);

-- Global indexes the scan passed while no row held them (a rolled-back or still-uncommitted append). A row that
-- appears there later is chained then, at the end of the chain.
CREATE TABLE event_chain_gaps (
    global_index BIGINT      NOT NULL,
    seen_at      DATETIME(6) NOT NULL,
    PRIMARY KEY (global_index)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Periodic checkpoints an auditor copies out of the system; verification checks the chain against them.
CREATE TABLE event_chain_checkpoints (
    chain_seq    BIGINT      NOT NULL,
    global_index BIGINT      NOT NULL,
    hash         CHAR(64)    NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    PRIMARY KEY (chain_seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
