package io.agentworkspace.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Removes what {@code agent.console.retention} no longer keeps: events older than {@code max-age}, and the oldest
 * events of a channel beyond {@code max-events-per-channel}. For every channel it records the highest id removed
 * ({@code pruned_through}), so a cursor below it gets an explicit reset instead of a silent gap. Runs on a thread
 * of its own, in short transactions at READ COMMITTED so appends never wait long on it.
 */
@Component
class ConsoleRetention implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConsoleRetention.class);
    private static final int CHUNK = 1000;

    private final HikariDataSource dataSource;
    private final ConsoleSettings.Retention settings;
    private final Clock clock;
    private ScheduledExecutorService timer;

    ConsoleRetention(HikariDataSource dataSource, ConsoleSettings settings, Clock clock) {
        this.dataSource = dataSource;
        this.settings = settings.retention();
        this.clock = clock;
    }

    /** One pass over the log; returns how many events it removed. Blocking. */
    long prune() throws SQLException {
        return pruneByAge() + pruneByCount();
    }

    private long pruneByAge() throws SQLException {
        long cutoff = (clock.millis() - settings.maxAge().toMillis()) * 1000;
        long removed = 0;
        while (true) {
            try (Connection connection = connection()) {
                Map<String, long[]> perChannel = new HashMap<>();
                long lastId = -1;
                try (PreparedStatement oldest = connection.prepareStatement(
                        "SELECT id, channel, published_us FROM console_events ORDER BY id LIMIT " + CHUNK);
                     ResultSet rows = oldest.executeQuery()) {
                    while (rows.next() && rows.getLong(3) < cutoff) {
                        lastId = rows.getLong(1);
                        long[] channel = perChannel.computeIfAbsent(rows.getString(2), c -> new long[2]);
                        channel[0] = lastId;
                        channel[1]++;
                    }
                }
                if (lastId < 0) {
                    connection.commit();
                    return removed;
                }
                for (Map.Entry<String, long[]> channel : perChannel.entrySet()) {
                    markPruned(connection, channel.getKey(), channel.getValue()[0], channel.getValue()[1]);
                }
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM console_events WHERE id <= ?")) {
                    delete.setLong(1, lastId);
                    removed += delete.executeUpdate();
                }
                connection.commit();
            }
        }
    }

    private long pruneByCount() throws SQLException {
        long removed = 0;
        List<String> crowded;
        try (Connection connection = connection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT channel FROM console_channels WHERE appended - pruned > ?")) {
            select.setLong(1, settings.maxEventsPerChannel());
            crowded = new java.util.ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    crowded.add(rows.getString(1));
                }
            }
            connection.commit();
        }
        for (String channel : crowded) {
            try (Connection connection = connection()) {
                long cutoff;
                try (PreparedStatement select = connection.prepareStatement("SELECT id FROM console_events "
                        + "WHERE channel = ? ORDER BY id DESC LIMIT 1 OFFSET " + settings.maxEventsPerChannel())) {
                    select.setString(1, channel);
                    try (ResultSet row = select.executeQuery()) {
                        if (!row.next()) {
                            connection.commit();
                            continue;
                        }
                        cutoff = row.getLong(1);
                    }
                }
                long deleted;
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM console_events WHERE channel = ? AND id <= ?")) {
                    delete.setString(1, channel);
                    delete.setLong(2, cutoff);
                    deleted = delete.executeUpdate();
                }
                markPruned(connection, channel, cutoff, deleted);
                connection.commit();
                removed += deleted;
            }
        }
        return removed;
    }

    private static void markPruned(Connection connection, String channel, long through, long count) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE console_channels SET pruned = pruned + ?, "
                + "pruned_through = CASE WHEN pruned_through > ? THEN pruned_through ELSE ? END WHERE channel = ?")) {
            update.setLong(1, count);
            update.setLong(2, through);
            update.setLong(3, through);
            update.setString(4, channel);
            update.executeUpdate();
        }
    }

    private Connection connection() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        connection.setAutoCommit(false);
        return connection;
    }

    @Override
    public void start() {
        CustomizableThreadFactory threads = new CustomizableThreadFactory("console-retention-");
        threads.setDaemon(true);
        timer = Executors.newSingleThreadScheduledExecutor(threads);
        long every = settings.interval().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                long removed = prune();
                if (removed > 0) {
                    log.info("console retention removed {} events", removed);
                }
            } catch (SQLException | RuntimeException e) {
                log.warn("console retention failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
