CREATE TABLE api_tokens (
    token_id      CHAR(16)      NOT NULL,
    name          VARCHAR(200)  NOT NULL,
    abilities     VARCHAR(1000) NOT NULL,
    preset        VARCHAR(20),
    secret_sha256 CHAR(64)      NOT NULL,
    expires_at    TIMESTAMP(6),
    issued_at     TIMESTAMP(6)  NOT NULL,
    issued_by     VARCHAR(100)  NOT NULL,
    revoked_at    TIMESTAMP(6),
    revoke_reason VARCHAR(500),
    PRIMARY KEY (token_id)
);

CREATE TABLE api_token_usage (
    token_id     CHAR(16)     NOT NULL,
    last_used_at TIMESTAMP(6) NOT NULL,
    PRIMARY KEY (token_id)
);
