package io.agentworkspace.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.LifecyclePhases;
import io.agentworkspace.infrastructure.persistence.SqlDialect;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;

/**
 * Appends console events to the log with group commit: one thread takes whatever publishers queued while the
 * previous transaction committed (up to {@code max-batch}), appends it in one transaction, and only then
 * acknowledges the publishers and hands the batch on for delivery. Publishers never wait on it: the queue is
 * bounded, and a full queue is an error they see at once.
 */
@Component
class ConsoleLogWriter implements SmartLifecycle, MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(ConsoleLogWriter.class);

    /** A batch whose texts are longer than this is appended statement by statement (a request has a size limit). */
    private static final int ONE_REQUEST_MAX_CHARS = 256 * 1024;

    private final ConsoleLogConnection connection;
    private final SqlDialect dialect;
    private final ConsoleSettings settings;
    private final ConsoleDispatcher dispatcher;
    private final ConsoleFanout fanout;
    private final ConsoleMetrics metrics;
    private final ConsoleThread thread;
    private final Queue<PendingEvent> queue = Queues.<PendingEvent>unboundedMultiproducer().get();
    // publishers' continuations (a bridge's next step, an HTTP response) run here, never on the console thread;
    // only publishTexts callers, whose callbacks are quick, are told on the console thread itself
    private final Scheduler acknowledgements = Schedulers.newSingle("console-ack", true);
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final List<PendingEvent> batch = new ArrayList<>();
    private volatile boolean running;

    ConsoleLogWriter(HikariDataSource dataSource, ConsoleSettings settings, ConsoleDispatcher dispatcher,
                     ConsoleFanout fanout, ConsoleMetrics metrics, ConsoleThread thread) {
        this.dialect = SqlDialect.of(dataSource.getJdbcUrl());
        this.connection = new ConsoleLogConnection(dataSource, dialect);
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.fanout = fanout;
        this.metrics = metrics;
        this.thread = thread;
    }

    /** The writer's own connection pool, in the service's connection-pool metrics. */
    @Override
    public void bindTo(MeterRegistry registry) {
        connection.bindTo(registry);
    }

    Mono<Long> submit(PendingEvent pending) {
        if (!running) {
            return Mono.error(new ConsoleUnavailable("The console log is not running."));
        }
        if (queued.incrementAndGet() > settings.publishQueue()) {
            queued.decrementAndGet();
            metrics.rejected();
            return Mono.error(new ConsoleUnavailable("The console log's queue is full; retry shortly."));
        }
        queue.offer(pending);
        wake();
        return pending.appended().asMono();
    }

    /** Queues all of them or none; the group hears the refusal when none is queued. */
    void submitAll(List<PendingEvent> pendings, PublishedTexts group) {
        if (!running) {
            group.refused(new ConsoleUnavailable("The console log is not running."));
            return;
        }
        if (queued.addAndGet(pendings.size()) > settings.publishQueue()) {
            queued.addAndGet(-pendings.size());
            metrics.rejected();
            group.refused(new ConsoleUnavailable("The console log's queue is full; retry shortly."));
            return;
        }
        pendings.forEach(queue::offer);
        wake();
    }

    private void wake() {
        if (draining.compareAndSet(false, true)) {
            long linger = settings.commitLinger().toNanos();
            if (linger > 0) {
                thread.scheduler().schedule(this::drainOnce, linger, TimeUnit.NANOSECONDS);
            } else {
                thread.execute(this::drainOnce);
            }
        }
    }

    /**
     * Appends what publishers queued while the previous transaction committed (up to {@code max-batch}), then
     * gives the console thread back to other work (routing, subscriptions) before the next batch.
     */
    private void drainOnce() {
        PendingEvent next;
        while (batch.size() < settings.maxBatch() && (next = queue.poll()) != null) {
            batch.add(next);
        }
        if (!batch.isEmpty()) {
            queued.addAndGet(-batch.size());
            try {
                appendAndDeliver(batch);
            } finally {
                batch.clear();
            }
        }
        if (queue.isEmpty()) {
            draining.set(false);
            if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
        thread.execute(this::drainOnce);
    }

    private void appendAndDeliver(List<PendingEvent> batch) {
        long started = System.nanoTime();
        List<ConsoleEvent> appended;
        try {
            appended = append(batch);
        } catch (SQLException | RuntimeException failure) {
            log.warn("console log append of {} events failed: {}", batch.size(), failure.toString());
            refuse(List.copyOf(batch), new ConsoleUnavailable("The console log could not append the event.", failure));
            return;
        }
        metrics.appended(batch.size(), System.nanoTime() - started);
        if (!appended.isEmpty()) {
            dispatcher.accept(appended);
            fanout.announce(appended);
        }
    }

    private void refuse(List<PendingEvent> failed, ConsoleUnavailable refused) {
        List<PendingEvent> sinks = new ArrayList<>();
        for (PendingEvent pending : failed) {
            pending.publish().error(refused).end();
            if (pending.group() != null) {
                pending.group().refused(refused);
            } else {
                sinks.add(pending);
            }
        }
        if (!sinks.isEmpty()) {
            acknowledgements.schedule(() -> sinks.forEach(pending -> pending.appended().tryEmitError(refused)));
        }
    }

    /**
     * One transaction on the writer's own connection: drop repeats of an origin, reserve ids under the head row's
     * lock, insert, count, commit. On MariaDB/MySQL that is one request (several statements), unless the batch is
     * too large for one.
     */
    private List<ConsoleEvent> append(List<PendingEvent> batch) throws SQLException {
        try {
            Connection own = connection.get();
            Appended appended;
            if (dialect == SqlDialect.MYSQL && fitsOneRequest(batch)) {
                appended = appendAndCommit(own, batch);
            } else {
                appended = appendWithin(own, batch);
                own.commit();
            }
            acknowledge(batch, appended);
            return appended.events();
        } catch (SQLException | RuntimeException failure) {
            connection.failed();
            throw failure;
        }
    }

    private static boolean fitsOneRequest(List<PendingEvent> batch) {
        long chars = 0;
        for (PendingEvent pending : batch) {
            chars += pending.data().length() + pending.event().length() + pending.channel().length() + 64;
        }
        return chars <= ONE_REQUEST_MAX_CHARS;
    }

    /**
     * MariaDB/MySQL: reserve, insert, count and commit in one request, and read the reserved ids back from it.
     * {@code LAST_INSERT_ID(expr)} keeps the new head for the statements after it (these tables have no
     * auto-increment column to change it).
     */
    private Appended appendAndCommit(Connection connection, List<PendingEvent> batch) throws SQLException {
        Map<String, Long> known = knownOrigins(connection, batch);
        List<PendingEvent> fresh = fresh(batch, known);
        int count = fresh.size();
        if (count == 0) {
            connection.commit();
            return new Appended(fresh, List.of(), known);
        }
        Map<String, int[]> perChannel = new TreeMap<>();
        StringBuilder sql = new StringBuilder(320 + 40 * count)
                .append("UPDATE console_log SET last_id = LAST_INSERT_ID(last_id + ").append(count)
                .append(") WHERE name = 'head';INSERT INTO console_events (id, channel, event, data, data_json, ")
                .append("published_us, origin) VALUES ");
        for (int i = 0; i < count; i++) {
            sql.append(i == 0 ? "" : ",").append("(LAST_INSERT_ID()-").append(count - 1 - i).append(",?,?,?,?,?,?)");
            int[] channel = perChannel.computeIfAbsent(fresh.get(i).channel(), c -> new int[2]);
            channel[0] = i;
            channel[1]++;
        }
        sql.append(";INSERT INTO console_channels (channel, last_id, appended) VALUES ");
        boolean first = true;
        for (int[] channel : perChannel.values()) {
            sql.append(first ? "" : ",").append("(?,LAST_INSERT_ID()-").append(count - 1 - channel[0]).append(',')
                    .append(channel[1]).append(')');
            first = false;
        }
        sql.append(" ON DUPLICATE KEY UPDATE last_id = VALUES(last_id), appended = appended + VALUES(appended);")
                .append("SELECT LAST_INSERT_ID();COMMIT");
        long last;
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int parameter = 1;
            for (PendingEvent pending : fresh) {
                statement.setString(parameter++, pending.channel());
                statement.setString(parameter++, pending.event());
                statement.setString(parameter++, pending.data());
                statement.setBoolean(parameter++, pending.dataIsJson());
                statement.setLong(parameter++, pending.publishedMicros());
                statement.setString(parameter++, pending.origin());
            }
            for (String channel : perChannel.keySet()) {
                statement.setString(parameter++, channel);
            }
            last = headAfter(statement, statement.execute());
        }
        List<ConsoleEvent> events = new ArrayList<>(count);
        long id = last - count + 1;
        for (PendingEvent pending : fresh) {
            pending.publish().end();
            events.add(event(id++, pending));
        }
        return new Appended(fresh, events, known);
    }

    /** Walks the request's results to its end; the one result set is the new head. */
    private static long headAfter(PreparedStatement statement, boolean resultSet) throws SQLException {
        long head = -1;
        while (resultSet || statement.getUpdateCount() != -1) {
            if (resultSet) {
                try (ResultSet row = statement.getResultSet()) {
                    if (row.next()) {
                        head = row.getLong(1);
                    }
                }
            }
            resultSet = statement.getMoreResults();
        }
        if (head <= 0) {
            throw new SQLException("the console log's append did not read its ids back");
        }
        return head;
    }

    private static ConsoleEvent event(long id, PendingEvent pending) {
        return new ConsoleEvent(id, pending.channel(), pending.event(), pending.data(), pending.dataIsJson(),
                pending.publishedMicros(), pending.excludedSocketId(), pending.traceparent());
    }

    /** What one append wrote: the events that were not repeats, and the ids of every origin of the batch. */
    record Appended(List<PendingEvent> fresh, List<ConsoleEvent> events, Map<String, Long> known) {
    }

    /**
     * Appends within a transaction the caller owns and commits (the writer's own, or a command's: then the console
     * events commit with the domain events they show, or not at all). Ids are reserved under the head row's lock,
     * held to the commit, so they commit in id order whoever appends.
     */
    Appended appendWithin(Connection connection, List<PendingEvent> batch) throws SQLException {
        Map<String, Long> known = knownOrigins(connection, batch);
        List<PendingEvent> fresh = fresh(batch, known);
        List<ConsoleEvent> events = fresh.isEmpty() ? List.of() : insert(connection, fresh);
        return new Appended(fresh, events, known);
    }

    /** The events of a batch whose origin is not known yet (the first of each origin); marks their origins known. */
    private static List<PendingEvent> fresh(List<PendingEvent> batch, Map<String, Long> known) {
        List<PendingEvent> fresh = new ArrayList<>(batch.size());
        for (PendingEvent pending : batch) {
            if (pending.origin() == null || !known.containsKey(pending.origin())) {
                fresh.add(pending);
                if (pending.origin() != null) {
                    known.put(pending.origin(), -1L);
                }
            }
        }
        return fresh;
    }

    /** Events appended in a transaction other than the writer's, once it has committed: deliver and announce. */
    void committed(List<ConsoleEvent> events, long appendNanos) {
        metrics.appended(events.size(), appendNanos);
        if (!events.isEmpty()) {
            dispatcher.accept(events);
            fanout.announce(events);
        }
    }

    /** Groups hear on this thread; single publications through the acknowledgement thread. */
    private void acknowledge(List<PendingEvent> batch, Appended appended) {
        List<PendingEvent> fresh = appended.fresh();
        List<ConsoleEvent> events = appended.events();
        Map<String, Long> originIds = null;
        List<PendingEvent> sinks = null;
        List<Long> sinkIds = null;
        int next = 0;
        for (PendingEvent pending : batch) {
            long id;
            if (next < fresh.size() && fresh.get(next) == pending) {
                metrics.queued(System.nanoTime() - pending.queuedNanos());
                id = events.get(next++).id();
            } else {
                if (originIds == null) {
                    originIds = originIds(appended);
                }
                id = originIds.get(pending.origin());
            }
            if (pending.group() != null) {
                pending.group().appended(pending.index(), id);
            } else {
                if (sinks == null) {
                    sinks = new ArrayList<>();
                    sinkIds = new ArrayList<>();
                }
                sinks.add(pending);
                sinkIds.add(id);
            }
        }
        if (sinks != null) {
            List<PendingEvent> toTell = sinks;
            List<Long> ids = sinkIds;
            acknowledgements.schedule(() -> {
                for (int i = 0; i < toTell.size(); i++) {
                    toTell.get(i).appended().tryEmitValue(ids.get(i));
                }
            });
        }
    }

    private static Map<String, Long> originIds(Appended appended) {
        Map<String, Long> originIds = new HashMap<>(appended.known());
        for (int i = 0; i < appended.fresh().size(); i++) {
            if (appended.fresh().get(i).origin() != null) {
                originIds.put(appended.fresh().get(i).origin(), appended.events().get(i).id());
            }
        }
        return originIds;
    }

    private Map<String, Long> knownOrigins(Connection connection, List<PendingEvent> batch) throws SQLException {
        List<String> origins = batch.stream().map(PendingEvent::origin).filter(o -> o != null).distinct().toList();
        Map<String, Long> known = new HashMap<>();
        if (origins.isEmpty()) {
            return known;
        }
        String marks = String.join(",", java.util.Collections.nCopies(origins.size(), "?"));
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT origin, id FROM console_events WHERE origin IN (" + marks + ")")) {
            for (int i = 0; i < origins.size(); i++) {
                select.setString(i + 1, origins.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    known.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return known;
    }

    private List<ConsoleEvent> insert(Connection connection, List<PendingEvent> fresh) throws SQLException {
        long last = reserve(connection, fresh.size());
        long first = last - fresh.size() + 1;
        List<ConsoleEvent> events = new ArrayList<>(fresh.size());
        Map<String, long[]> perChannel = new TreeMap<>();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO console_events "
                + "(id, channel, event, data, data_json, published_us, origin) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < fresh.size(); i++) {
                PendingEvent pending = fresh.get(i);
                long id = first + i;
                insert.setLong(1, id);
                insert.setString(2, pending.channel());
                insert.setString(3, pending.event());
                insert.setString(4, pending.data());
                insert.setBoolean(5, pending.dataIsJson());
                insert.setLong(6, pending.publishedMicros());
                insert.setString(7, pending.origin());
                insert.addBatch();
                pending.publish().end();
                events.add(event(id, pending));
                long[] counts = perChannel.computeIfAbsent(pending.channel(), c -> new long[2]);
                counts[0] = id;
                counts[1]++;
            }
            insert.executeBatch();
        }
        try (PreparedStatement count = connection.prepareStatement(countSql())) {
            for (Map.Entry<String, long[]> channel : perChannel.entrySet()) {
                count.setString(1, channel.getKey());
                count.setLong(2, channel.getValue()[0]);
                count.setLong(3, channel.getValue()[1]);
                count.addBatch();
            }
            count.executeBatch();
        }
        return events;
    }

    /**
     * Reserves {@code count} ids under the head row's lock (held to the commit) and returns the last of them. On
     * MariaDB/MySQL the new value comes back with the update itself ({@code LAST_INSERT_ID(expr)} is reported in its
     * OK packet): one round trip instead of two.
     */
    private long reserve(Connection connection, int count) throws SQLException {
        if (dialect == SqlDialect.MYSQL) {
            try (PreparedStatement reserve = connection.prepareStatement(
                    "UPDATE console_log SET last_id = LAST_INSERT_ID(last_id + ?) WHERE name = 'head'",
                    java.sql.Statement.RETURN_GENERATED_KEYS)) {
                reserve.setLong(1, count);
                reserve.executeUpdate();
                try (ResultSet keys = reserve.getGeneratedKeys()) {
                    if (keys.next() && keys.getLong(1) > 0) {
                        return keys.getLong(1);
                    }
                }
            }
        } else {
            try (PreparedStatement reserve = connection.prepareStatement(
                    "UPDATE console_log SET last_id = last_id + ? WHERE name = 'head'")) {
                reserve.setLong(1, count);
                reserve.executeUpdate();
            }
        }
        try (PreparedStatement head = connection.prepareStatement("SELECT last_id FROM console_log WHERE name = 'head'");
             ResultSet row = head.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private String countSql() {
        return switch (dialect) {
            case MYSQL -> "INSERT INTO console_channels (channel, last_id, appended) VALUES (?, ?, ?) "
                    + "ON DUPLICATE KEY UPDATE last_id = VALUES(last_id), appended = appended + VALUES(appended)";
            case H2 -> "MERGE INTO console_channels t USING (VALUES (CAST(? AS VARCHAR(164)), CAST(? AS BIGINT), "
                    + "CAST(? AS BIGINT))) s(channel, last_id, appended) ON t.channel = s.channel "
                    + "WHEN MATCHED THEN UPDATE SET t.last_id = s.last_id, t.appended = t.appended + s.appended "
                    + "WHEN NOT MATCHED THEN INSERT (channel, last_id, appended) VALUES (s.channel, s.last_id, s.appended)";
        };
    }

    @Override
    public void start() {
        running = true;
    }

    /** Appends what is queued (for at most 10 s), then refuses the rest. */
    @Override
    public void stop() {
        running = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((!queue.isEmpty() || draining.get()) && System.nanoTime() < deadline) {
            wake();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        List<PendingEvent> left = new ArrayList<>();
        PendingEvent pending;
        while ((pending = queue.poll()) != null) {
            left.add(pending);
        }
        if (!left.isEmpty()) {
            refuse(left, new ConsoleUnavailable("The console log stopped."));
        }
        thread.execute(connection::close);
        acknowledgements.disposeGracefully().block(java.time.Duration.ofSeconds(5));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return LifecyclePhases.CONSOLE_LOG;
    }
}
