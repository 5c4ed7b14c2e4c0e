-- The console log (see the mysql migration for the design).
CREATE TABLE console_log (
    name            VARCHAR(16) NOT NULL PRIMARY KEY,
    last_id         BIGINT NOT NULL,
    installation_id CHAR(36) NOT NULL
);

INSERT INTO console_log (name, last_id, installation_id) VALUES ('head', 0, CAST(RANDOM_UUID() AS VARCHAR(36)));

CREATE TABLE console_events (
    id           BIGINT NOT NULL PRIMARY KEY,
    channel      VARCHAR(164) NOT NULL,
    event        VARCHAR(200) NOT NULL,
    data         VARCHAR(1000000) NOT NULL,
    data_json    BOOLEAN NOT NULL,
    published_us BIGINT NOT NULL,
    origin       VARCHAR(200) NULL,
    CONSTRAINT console_events_origin UNIQUE (origin)
);

CREATE INDEX console_events_by_channel ON console_events (channel, id);

CREATE TABLE console_channels (
    channel        VARCHAR(164) NOT NULL PRIMARY KEY,
    last_id        BIGINT NOT NULL,
    appended       BIGINT NOT NULL,
    pruned         BIGINT NOT NULL DEFAULT 0,
    pruned_through BIGINT NOT NULL DEFAULT 0
);
