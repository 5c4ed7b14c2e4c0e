CREATE TABLE secret_data_keys (
    key_id        CHAR(16)       NOT NULL,
    secret_name   VARCHAR(100)   NOT NULL,
    wrapped_key   VARBINARY(128) NOT NULL,
    master_key_id CHAR(16)       NOT NULL,
    created_at    TIMESTAMP(6)   NOT NULL,
    PRIMARY KEY (key_id)
);

CREATE TABLE secrets (
    name        VARCHAR(100) NOT NULL,
    version     BIGINT       NOT NULL,
    key_id      CHAR(16),
    ciphertext  CLOB,
    fingerprint VARCHAR(64),
    hint        VARCHAR(20),
    created_at  TIMESTAMP(6) NOT NULL,
    updated_at  TIMESTAMP(6) NOT NULL,
    updated_by  VARCHAR(100) NOT NULL,
    erased_at   TIMESTAMP(6),
    PRIMARY KEY (name)
);
