-- The console log: every console event, durably appended (group commit) before it is delivered or acknowledged.
-- Ids are positions in one log, handed out under the lock of the single console_log row, so they are dense and
-- commit in id order across every node: a reader that has seen id N has seen everything below it.
CREATE TABLE console_log (
    name            VARCHAR(16) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    last_id         BIGINT NOT NULL,
    installation_id CHAR(36) CHARACTER SET ascii NOT NULL
) ENGINE = InnoDB;

INSERT INTO console_log (name, last_id, installation_id) VALUES ('head', 0, UUID());

CREATE TABLE console_events (
    id           BIGINT NOT NULL PRIMARY KEY,
    channel      VARCHAR(164) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    event        VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    data         MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    data_json    BOOLEAN NOT NULL,
    published_us BIGINT NOT NULL,
    origin       VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NULL,
    KEY console_events_by_channel (channel, id),
    UNIQUE KEY console_events_origin (origin)
) ENGINE = InnoDB;

-- Per channel: how many events were appended and how many retention removed, and the highest id it removed
-- (a cursor below pruned_through gets an explicit reset, never a silent gap).
CREATE TABLE console_channels (
    channel        VARCHAR(164) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    last_id        BIGINT NOT NULL,
    appended       BIGINT NOT NULL,
    pruned         BIGINT NOT NULL DEFAULT 0,
    pruned_through BIGINT NOT NULL DEFAULT 0
) ENGINE = InnoDB;
