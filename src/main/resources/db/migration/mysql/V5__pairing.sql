-- Read model of the "pairings" projection (projections/pairings.json).
CREATE TABLE pairings (
    pairing_id  CHAR(36)     NOT NULL,
    code_sha256 CHAR(64)     NOT NULL,
    label       VARCHAR(100),
    expires_at  DATETIME(6)  NOT NULL,
    issued_at   DATETIME(6)  NOT NULL,
    issued_by   VARCHAR(100) NOT NULL,
    device_name VARCHAR(100),
    token_id    CHAR(16),
    paired_at   DATETIME(6),
    revoked_at  DATETIME(6),
    PRIMARY KEY (pairing_id),
    KEY ix_pairings_code (code_sha256)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Every redemption attempt (operational record, not history): who tried, with which code (hash prefix), outcome.
CREATE TABLE pairing_attempts (
    id               BIGINT      NOT NULL AUTO_INCREMENT,
    attempted_at     DATETIME(6) NOT NULL,
    client_ip        VARCHAR(45) NOT NULL,
    code_hash_prefix CHAR(8)     NOT NULL,
    outcome          VARCHAR(20) NOT NULL,
    PRIMARY KEY (id),
    KEY ix_pairing_attempts_at (attempted_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
