package io.agentworkspace.run;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import io.r2dbc.spi.Readable;
import org.springframework.lang.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import io.agentworkspace.console.ConsoleChannels;
import io.agentworkspace.infrastructure.axon.EventJson;
import io.agentworkspace.infrastructure.persistence.UtcColumns;
import reactor.core.publisher.Mono;

/** Reads the {@code runs} read model, non-blocking, through R2DBC: runs, pages of runs, and the queue view. */
@Component
public class Runs {

    public record Page(List<RunView> items, long total, int limit, int offset) {
    }

    /** Filters of a run list; null means any. */
    public record Filter(@Nullable String state, @Nullable String queue, @Nullable String projectId) {
    }

    private static final String COLUMNS = "id, project_id, queue, provider, model, state, attempt, on_interrupt, "
            + "timeout_seconds, max_tokens, max_cost_usd, retry_of, requested_by, node, fencing_token, first_queued_at, "
            + "queued_at, starting_at, started_at, finished_at, wait_ms, cancel_requested_at, reason, input_tokens, "
            + "output_tokens, cost_usd, turns, tool_calls, files_changed, files_changed_count, duration_ms, "
            + "interruptions, updated_at, version";
    private static final int PREVIEW = 200;
    private static final TypeReference<List<String>> PATHS = new TypeReference<>() {
    };

    private final DatabaseClient db;
    private final RunSettings settings;
    private final Clock clock;

    Runs(DatabaseClient db, RunSettings settings, Clock clock) {
        this.db = db;
        this.settings = settings;
        this.clock = clock;
    }

    public Mono<RunView> byId(String id) {
        return db.sql("SELECT " + COLUMNS + ", prompt FROM runs WHERE id = :id")
                .bind("id", id)
                .map(row -> view(row, true))
                .one();
    }

    public Mono<Page> page(Filter filter, int limit, int offset) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        Map<String, Object> binds = new HashMap<>();
        if (filter.state() != null) {
            where.append(" AND state = :state");
            binds.put("state", filter.state());
        }
        if (filter.queue() != null) {
            where.append(" AND queue = :queue");
            binds.put("queue", filter.queue());
        }
        if (filter.projectId() != null) {
            where.append(" AND project_id = :project");
            binds.put("project", filter.projectId());
        }
        var items = db.sql("SELECT " + COLUMNS + ", SUBSTRING(prompt, 1, " + (PREVIEW + 1) + ") AS prompt FROM runs"
                + where + " ORDER BY first_queued_at DESC, id DESC LIMIT :limit OFFSET :offset");
        var total = db.sql("SELECT COUNT(*) AS n FROM runs" + where);
        for (var bind : binds.entrySet()) {
            items = items.bind(bind.getKey(), bind.getValue());
            total = total.bind(bind.getKey(), bind.getValue());
        }
        Mono<List<RunView>> list = items.bind("limit", limit).bind("offset", offset)
                .map(row -> view(row, false)).all().collectList();
        Mono<Long> count = total.map(row -> ((Number) row.get("n")).longValue()).one();
        return Mono.zip(list, count, (views, n) -> new Page(views, n, limit, offset));
    }

    /** Runs waiting ({@code queued}) and starting or running, of one queue. */
    record QueueLoad(long pending, long running) {

        static final QueueLoad NONE = new QueueLoad(0, 0);

        QueueLoad plus(String state, long runs) {
            return "queued".equals(state) ? new QueueLoad(pending + runs, running) : new QueueLoad(pending, running + runs);
        }
    }

    /** Pending and running runs per queue (queues with none are absent): one grouped count. */
    Mono<Map<String, QueueLoad>> load() {
        return db.sql("""
                        SELECT queue, state, COUNT(*) AS n FROM runs
                        WHERE state IN ('queued', 'starting', 'running') GROUP BY queue, state""")
                .map(row -> new Object[] {row.get("queue", String.class), row.get("state", String.class),
                        ((Number) row.get("n")).longValue()})
                .all()
                .collect(HashMap::new, (map, row) -> map.merge((String) row[0],
                        QueueLoad.NONE.plus((String) row[1], (Long) row[2]),
                        (a, b) -> new QueueLoad(a.pending() + b.pending(), a.running() + b.running())));
    }

    /** The queue view: the four queues in their fixed order, figures from the read model. */
    public Mono<List<QueueFigures>> queues() {
        LocalDateTime now = UtcColumns.column(clock.instant());
        Mono<Map<String, QueueLoad>> counts = load();
        Mono<Map<String, List<Long>>> waits = db.sql("""
                        SELECT queue, wait_ms FROM runs WHERE starting_at >= :since AND wait_ms IS NOT NULL
                        ORDER BY starting_at DESC LIMIT 20000""")
                .bind("since", now.minusHours(1))
                .map(row -> new Object[] {row.get("queue", String.class), ((Number) row.get("wait_ms")).longValue()})
                .all()
                .collect(HashMap::new, (map, row) -> map.computeIfAbsent((String) row[0], q -> new ArrayList<>())
                        .add((Long) row[1]));
        Mono<Map<String, long[]>> ended = db.sql("""
                        SELECT queue, state, finished_at FROM runs WHERE finished_at >= :since
                        AND state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'interrupted')""")
                .bind("since", now.minusHours(1))
                .map(row -> new Object[] {row.get("queue", String.class), row.get("state", String.class),
                        row.get("finished_at", LocalDateTime.class)})
                .all()
                .collect(HashMap::new, (map, row) -> {
                    long[] figures = map.computeIfAbsent((String) row[0], q -> new long[2]);
                    if (!((LocalDateTime) row[2]).isBefore(now.minusMinutes(5))) {
                        figures[0]++;
                    }
                    if (!"succeeded".equals(row[1]) && !"cancelled".equals(row[1])) {
                        figures[1]++;
                    }
                });
        return Mono.zip(counts, waits, ended).map(all -> {
            List<QueueFigures> figures = new ArrayList<>();
            settings.queues().forEach((name, queue) -> {
                QueueLoad active = all.getT1().getOrDefault(name, QueueLoad.NONE);
                List<Long> wait = all.getT2().getOrDefault(name, List.of());
                long[] done = all.getT3().getOrDefault(name, new long[2]);
                figures.add(new QueueFigures(name, queue.concurrency(), queue.defaultTimeout().toSeconds(),
                        active.pending(), active.running(), percentile(wait, 50), percentile(wait, 95), done[0] / 5.0,
                        done[1]));
            });
            return figures;
        });
    }

    /** The last {@code minutes} minutes in one-minute buckets, from the read model (at most 50 000 runs a side). */
    public Mono<QueueHistory> history(int minutes) {
        Instant now = clock.instant();
        Instant to = now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60);
        Instant from = to.minusSeconds(60L * minutes);
        LocalDateTime since = UtcColumns.column(from);
        Mono<List<Object[]>> ended = db.sql("""
                        SELECT queue, state, finished_at FROM runs WHERE finished_at >= :since
                        AND state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'interrupted') LIMIT 50000""")
                .bind("since", since)
                .map(row -> new Object[] {row.get("queue", String.class), row.get("state", String.class),
                        row.get("finished_at", LocalDateTime.class)})
                .all().collectList();
        Mono<List<Object[]>> started = db.sql("""
                        SELECT queue, starting_at, wait_ms FROM runs WHERE starting_at >= :since AND wait_ms IS NOT NULL
                        LIMIT 50000""")
                .bind("since", since)
                .map(row -> new Object[] {row.get("queue", String.class), row.get("starting_at", LocalDateTime.class),
                        ((Number) row.get("wait_ms")).longValue()})
                .all().collectList();
        return Mono.zip(ended, started).map(rows -> {
            List<String> queues = new ArrayList<>(settings.queues().keySet());
            queues.add(QueueHistory.ALL);
            Map<String, long[][]> counts = new HashMap<>();
            Map<String, List<List<Long>>> waits = new HashMap<>();
            for (String queue : queues) {
                counts.put(queue, new long[minutes][3]);
                List<List<Long>> perBucket = new ArrayList<>();
                for (int i = 0; i < minutes; i++) {
                    perBucket.add(new ArrayList<>());
                }
                waits.put(queue, perBucket);
            }
            for (Object[] row : rows.getT1()) {
                int bucket = bucket(from, (LocalDateTime) row[2], minutes);
                boolean failed = !"succeeded".equals(row[1]) && !"cancelled".equals(row[1]);
                for (String queue : List.of((String) row[0], QueueHistory.ALL)) {
                    long[][] figures = counts.get(queue);
                    if (bucket >= 0 && figures != null) {
                        figures[bucket][0]++;
                        figures[bucket][1] += failed ? 1 : 0;
                    }
                }
            }
            for (Object[] row : rows.getT2()) {
                int bucket = bucket(from, (LocalDateTime) row[1], minutes);
                for (String queue : List.of((String) row[0], QueueHistory.ALL)) {
                    if (bucket >= 0 && counts.containsKey(queue)) {
                        counts.get(queue)[bucket][2]++;
                        waits.get(queue).get(bucket).add((Long) row[2]);
                    }
                }
            }
            List<QueueHistory.Series> series = new ArrayList<>();
            for (String queue : queues) {
                List<QueueHistory.Point> points = new ArrayList<>();
                for (int i = 0; i < minutes; i++) {
                    long[] figures = counts.get(queue)[i];
                    List<Long> wait = waits.get(queue).get(i);
                    points.add(new QueueHistory.Point(from.plusSeconds(60L * i), figures[0], figures[1], figures[2],
                            percentile(wait, 50), percentile(wait, 95)));
                }
                series.add(new QueueHistory.Series(queue, points));
            }
            return new QueueHistory(from, to, 60, series);
        });
    }

    private static int bucket(Instant from, LocalDateTime at, int minutes) {
        long index = java.time.Duration.between(from, UtcColumns.instant(at)).toMinutes();
        return index < 0 || index >= minutes ? -1 : (int) index;
    }

    @Nullable
    static Long percentile(List<Long> values, int percent) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static RunView view(Readable row, boolean full) {
        String prompt = row.get("prompt", String.class);
        String preview = prompt == null ? "" : prompt.length() > PREVIEW ? prompt.substring(0, PREVIEW) + "…" : prompt;
        String state = row.get("state", String.class);
        boolean ended = RunState.ofWireName(state).map(RunState::isTerminal).orElse(false);
        RunView.Summary summary = !ended ? null : new RunView.Summary(row.get("reason", String.class),
                number(row, "input_tokens"), number(row, "output_tokens"), decimal(row, "cost_usd"),
                (int) number(row, "turns"), (int) number(row, "tool_calls"), paths(row.get("files_changed", String.class)),
                (int) number(row, "files_changed_count"), nullableNumber(row, "duration_ms"));
        String id = row.get("id", String.class);
        return new RunView(id, row.get("project_id", String.class), row.get("queue", String.class),
                row.get("provider", String.class), row.get("model", String.class), full ? prompt : null, preview, state,
                (int) number(row, "attempt"), row.get("on_interrupt", String.class),
                new RunLimits(number(row, "timeout_seconds"), number(row, "max_tokens"), decimal(row, "max_cost_usd")),
                row.get("retry_of", String.class), row.get("requested_by", String.class), row.get("node", String.class),
                nullableNumber(row, "fencing_token"), instant(row, "first_queued_at"), instant(row, "queued_at"),
                instant(row, "starting_at"), instant(row, "started_at"), instant(row, "finished_at"),
                nullableNumber(row, "wait_ms"), instant(row, "cancel_requested_at"), summary,
                (int) number(row, "interruptions"), ConsoleChannels.run(id), instant(row, "updated_at"),
                number(row, "version"));
    }

    private static List<String> paths(@Nullable String json) {
        if (json == null || json.isEmpty()) {
            return List.of();
        }
        try {
            return EventJson.mapper().readValue(json, PATHS);
        } catch (Exception e) {
            return List.of();
        }
    }

    private static long number(Readable row, String column) {
        Object value = row.get(column);
        return value == null ? 0 : ((Number) value).longValue();
    }

    @Nullable
    private static Long nullableNumber(Readable row, String column) {
        Object value = row.get(column);
        return value == null ? null : ((Number) value).longValue();
    }

    private static double decimal(Readable row, String column) {
        Object value = row.get(column);
        return value == null ? 0 : ((Number) value).doubleValue();
    }

    @Nullable
    private static Instant instant(Readable row, String column) {
        return UtcColumns.instant(row.get(column, LocalDateTime.class));
    }
}
