-- Read model of the "api-tokens" projection (projections/api-tokens.json).
CREATE TABLE api_tokens (
    token_id      CHAR(16)      NOT NULL,
    name          VARCHAR(200)  NOT NULL,
    abilities     VARCHAR(1000) NOT NULL,
    preset        VARCHAR(20),
    secret_sha256 CHAR(64)      NOT NULL,
    expires_at    DATETIME(6),
    issued_at     DATETIME(6)   NOT NULL,
    issued_by     VARCHAR(100)  NOT NULL,
    revoked_at    DATETIME(6),
    revoke_reason VARCHAR(500),
    PRIMARY KEY (token_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Last use of each token: operational data, not history, so not from events.
CREATE TABLE api_token_usage (
    token_id     CHAR(16)    NOT NULL,
    last_used_at DATETIME(6) NOT NULL,
    PRIMARY KEY (token_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
