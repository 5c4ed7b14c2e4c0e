-- Data keys of secrets, wrapped by the master key: command-side state outside the event history, so erasing a
-- secret can destroy its key (crypto-shredding).
CREATE TABLE secret_data_keys (
    key_id        CHAR(16)     NOT NULL,
    secret_name   VARCHAR(100) NOT NULL,
    wrapped_key   VARBINARY(128) NOT NULL,
    master_key_id CHAR(16)     NOT NULL,
    created_at    DATETIME(6)  NOT NULL,
    PRIMARY KEY (key_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Read model of the "secrets" projection (projections/secrets.json).
CREATE TABLE secrets (
    name        VARCHAR(100) NOT NULL,
    version     BIGINT       NOT NULL,
    key_id      CHAR(16),
    ciphertext  MEDIUMTEXT,
    fingerprint VARCHAR(64),
    hint        VARCHAR(20),
    created_at  DATETIME(6)  NOT NULL,
    updated_at  DATETIME(6)  NOT NULL,
    updated_by  VARCHAR(100) NOT NULL,
    erased_at   DATETIME(6),
    PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
