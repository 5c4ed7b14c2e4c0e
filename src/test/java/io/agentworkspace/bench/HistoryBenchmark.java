package io.agentworkspace.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.agentworkspace.support.AppProcess;
import io.agentworkspace.support.BulkEvents;
import io.agentworkspace.support.StandaloneEventStore;
import io.agentworkspace.support.TestServices;

/**
 * History at volume on MariaDB: 1M events (token issuances, 1000 per transaction), then, against the packaged
 * application running as a process of its own, with every other processor set at the head first:
 * - chaining: from an empty chain until every event is linked (events/s), always first;
 * - replay: the whole history over HTTP as NDJSON ({@code /api/events/stream?follow=false}), counted line by
 *   line by this driver (events/s), a warm-up and then {@code runs} runs;
 * - rebuild: {@code POST /api/projections/<name>/rebuild} from position 0 until switched in (events/s),
 *   {@code runs} runs for each projection named;
 * - Kafka export: a restart with the export on, from position 0 (its token removed) until its stored position
 *   reaches the head, measured from the first position it stores (events/s), {@code runs} runs.
 * Each figure comes with host CPU busy %, the application's and MariaDB's CPU time, and this driver's.
 *
 * Run: deploy/dev/bench.sh HistoryBenchmark [events] [runs] [phases: chain,replay,rebuild,export]
 * [projections to rebuild: api-tokens,...]
 */
public final class HistoryBenchmark {

    /** The application as production runs it: C2 compiler, G1, a fixed heap. */
    private static final List<String> JVM = jvm();

    /** Plus AGENT_BENCH_APP_JVM, e.g. a flight recording to profile the application under the benchmark. */
    private static List<String> jvm() {
        List<String> options = new ArrayList<>(List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC"));
        String extra = System.getenv("AGENT_BENCH_APP_JVM");
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return List.copyOf(options);
    }

    /**
     * Every processor of the application but the export: set at the head before the service starts, so the figures
     * measure the rebuild or the export alone and not a processor catching up on the whole history beside it.
     */
    private static final List<String> LIVE_PROCESSORS = List.of("projects", "api-tokens", "workspace-cloner", "pairings",
            "secrets", "snapshots", "snapshot-worker", "rag-index-runs", "rag-index-triggers", "rag-indexer", "rag-cache",
            "runs", "run-metrics", "console-bridge-projects", "console-bridge-runs", "console-bridge-snapshots");

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> phases = List.of((args.length > 2 ? args[2] : "chain,replay,rebuild,export").split(","));
        // the projections to rebuild; only api-tokens has rows in this history, the others read it all and write nothing
        List<String> rebuilt = List.of((args.length > 3 ? args[3] : "api-tokens").split(","));
        // what the history is made of: tokens (issuances), runs (4 events a run), secrets (a set and 9 rotations each),
        // or projects, pairings, snapshots, rag-index-runs (2 events each, a row written then updated)
        String history = args.length > 4 ? args[4] : "tokens";
        String database = TestServices.createDatabase();
        Path dir = Files.createTempDirectory("history-bench");
        Long mariaDb = pidOf(Path.of(System.getenv().getOrDefault("AGENT_SERVICES_DIR", ".services"), "mariadb.pid"));
        try (StandaloneEventStore store = new StandaloneEventStore(database)) {
            long seeded = System.nanoTime();
            BulkEvents bulk = store.bulk();
            for (int done = 0; done < events; done += 10_000) {
                int chunk = Math.min(10_000, events - done);
                switch (history) {
                    case "tokens" -> bulk.issueTokens(chunk, 1000);
                    case "runs" -> bulk.runs(chunk / 4, 1000);
                    case "secrets" -> bulk.secrets(chunk / 10, 10, 1000);
                    case "projects", "pairings", "snapshots", "rag-index-runs" -> bulk.entities(history, chunk / 2, 1000);
                    default -> throw new IllegalArgumentException("history is tokens, runs, secrets, projects, pairings, "
                            + "snapshots or rag-index-runs, not " + history);
                }
            }
            String token = adminToken(store);
            long head = store.jdbc().queryForObject("SELECT MAX(globalIndex) FROM DomainEventEntry", Long.class);
            System.out.printf("History benchmark: %d %s events seeded in %.1f s (MariaDB %s); %d run(s) per figure%n", events, history,
                    (System.nanoTime() - seeded) / 1e9, store.jdbc().queryForObject("SELECT VERSION()", String.class), runs);
            // live processors start at the head: the rebuild and the export are then the only projection work
            for (String processor : LIVE_PROCESSORS) {
                store.jdbc().update("INSERT INTO TokenEntry (processorName, segment, token, tokenType, timestamp) VALUES (?, 0, ?, ?, ?)",
                        processor, ("{\"index\":" + head + ",\"gaps\":[]}").getBytes(StandardCharsets.UTF_8),
                        "org.axonframework.eventhandling.GapAwareTrackingToken", java.time.Instant.now().toString());
            }
            Map<String, Object> properties = properties(database);
            properties.put("agent.kafka.export.enabled", "false");
            System.out.println("| measure | events | events/s median | min–max | app CPU µs/event | CPU |");
            System.out.println("|---|---|---|---|---|---|");
            try (AppProcess app = AppProcess.start(JVM, dir.resolve("data"), "mysql,kafka", properties, Duration.ofMinutes(3))) {
                warnAboutProcessorsNotAtTheHead(store);
                Meter meter = new Meter(app.pid(), mariaDb);
                Meter.Mark chainStart = meter.mark();
                long chainedBefore = store.jdbc().queryForObject("SELECT chain_seq FROM event_chain_head", Long.class);
                long chained;
                do {
                    Thread.sleep(200);
                    chained = store.jdbc().queryForObject("SELECT chain_seq FROM event_chain_head", Long.class);
                } while (chained < events);
                meter.report("chain (hash + link, after the start-up)", chained - chainedBefore,
                        List.of(chainStart.rate(chained - chainedBefore)), chainStart);

                List<Double> replayRates = new ArrayList<>();
                Meter.Mark firstReplay = null;
                long replayed = 0;
                for (int run = 0; run <= runs && phases.contains("replay"); run++) {
                    Meter.Mark mark = meter.mark();
                    replayed = replay(app.baseUrl(), token);
                    if (run > 0) { // the first run warms up
                        replayRates.add(mark.rate(replayed));
                        firstReplay = firstReplay == null ? mark : firstReplay;
                    }
                }
                if (phases.contains("replay")) {
                    meter.report("replay over HTTP, NDJSON", replayed, replayRates, firstReplay);
                }

                for (String projection : phases.contains("rebuild") ? rebuilt : List.<String>of()) {
                    List<Double> rebuildRates = new ArrayList<>();
                    Meter.Mark firstRebuild = null;
                    long processed = 0;
                    for (int run = 0; run < runs; run++) {
                        Meter.Mark mark = meter.mark();
                        processed = rebuild(app.baseUrl(), token, projection);
                        rebuildRates.add(mark.rate(processed));
                        firstRebuild = firstRebuild == null ? mark : firstRebuild;
                    }
                    meter.report("rebuild " + projection + " (shadow build + switch)", processed, rebuildRates, firstRebuild);
                }
            }
            if (phases.contains("export")) {
                properties.put("agent.kafka.export.enabled", "true");
                List<Double> exportRates = new ArrayList<>();
                long exported = 0;
                for (int run = 0; run < runs; run++) {
                    // each run from position 0, into a topic of its own
                    store.jdbc().update("DELETE FROM TokenEntry WHERE processorName = 'kafka-export'");
                    properties.put("agent.kafka.export.topic", "history-bench-" + database + "-" + run);
                    try (AppProcess app = AppProcess.launch(JVM, dir.resolve("data"), "mysql,kafka", properties)) {
                        // the export starts with the application, before it reports healthy: measured from its first
                        // stored position (CPU of the start-up before that excluded) until the head
                        long position = -1;
                        long startDeadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                        while ((position = exportPosition(store)) < 0) {
                            if (System.nanoTime() > startDeadline) {
                                throw new IllegalStateException("the export did not start; see " + app.log());
                            }
                            Thread.sleep(10);
                        }
                        Meter runMeter = new Meter(app.pid(), mariaDb);
                        Meter.Mark mark = runMeter.mark();
                        long firstNanos = System.nanoTime();
                        long first = position;
                        while (position < head) {
                            Thread.sleep(100);
                            position = exportPosition(store);
                        }
                        exportRates.add((position - first) / ((System.nanoTime() - firstNanos) / 1e9));
                        exported = position - first;
                        if (run == runs - 1) {
                            runMeter.report("Kafka export (acks=all, default batch and segments; last run from position " + first + ")",
                                    exported, exportRates.subList(exportRates.size() - 1, exportRates.size()), mark);
                        }
                        app.awaitHealthy(Duration.ofMinutes(3));
                    }
                }
                double[] sorted = exportRates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf("| Kafka export, %d runs | %d | %.0f | %.0f–%.0f | (CPU: the last run, above) | |%n", runs,
                        exported, sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
            }
        } finally {
            TestServices.execute("DROP DATABASE " + database);
        }
    }

    /**
     * An admin token in the history (so rebuilds keep it) and in the read model (whose processor starts at the
     * head): the bulk history counts as issued tokens, so no bootstrap token is written.
     */
    private static String adminToken(StandaloneEventStore store) {
        io.agentworkspace.auth.TokenSecrets.Minted minted = io.agentworkspace.auth.TokenSecrets.mint();
        store.bulk().append(List.of(new org.axonframework.eventhandling.GenericDomainEventMessage<>("ApiToken",
                minted.tokenId(), 0, new io.agentworkspace.auth.ApiTokenIssued(minted.tokenId(), "benchmark", List.of("*"),
                "admin", minted.secretSha256(), null, java.time.Instant.now(), "benchmark"))));
        store.jdbc().update("INSERT INTO api_tokens (token_id, name, abilities, preset, secret_sha256, issued_at, issued_by) "
                + "VALUES (?, 'benchmark', '*', 'admin', ?, CURRENT_TIMESTAMP(6), 'benchmark')", minted.tokenId(), minted.secretSha256());
        return minted.plaintext();
    }

    /** A processor added to the application since LIVE_PROCESSORS was written would read the whole history beside the measure. */
    private static void warnAboutProcessorsNotAtTheHead(StandaloneEventStore store) {
        List<String> others = store.jdbc().queryForList("SELECT DISTINCT processorName FROM TokenEntry", String.class).stream()
                .filter(name -> !LIVE_PROCESSORS.contains(name) && !name.equals("kafka-export") && !name.startsWith("rebuild-"))
                .toList();
        if (!others.isEmpty()) {
            System.out.println("WARNING: processors not set at the head, reading the whole history during the figures: " + others);
        }
    }

    /**
     * The export's stored position (its token, written with each batch's commit). Read from the database: scraping
     * /actuator/prometheus five times a second would cost the application more than a production scrape interval.
     */
    private static long exportPosition(StandaloneEventStore store) throws java.io.IOException {
        List<byte[]> tokens = store.jdbc().queryForList("SELECT token FROM TokenEntry WHERE processorName = 'kafka-export'", byte[].class);
        if (tokens.isEmpty() || tokens.get(0) == null) {
            return -1;
        }
        // a processor starting on an existing history holds a replay token until it passes the head it started at
        com.fasterxml.jackson.databind.JsonNode token = new com.fasterxml.jackson.databind.ObjectMapper().readTree(tokens.get(0));
        com.fasterxml.jackson.databind.JsonNode current = token.has("tokenAtReset") ? token.get("currentToken") : token;
        return current == null || current.isNull() ? -1 : current.get("index").asLong();
    }

    /** Counts the lines of the whole history as NDJSON (plain HttpURLConnection: a blocking reader, nothing more). */
    private static long replay(String baseUrl, String token) throws Exception {
        HttpURLConnection connection = open(baseUrl + "/api/events/stream?follow=false", token);
        connection.setRequestProperty("Accept", "application/x-ndjson");
        long lines = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8),
                1 << 16)) {
            while (reader.readLine() != null) {
                lines++;
            }
        }
        return lines;
    }

    private static long rebuild(String baseUrl, String token, String projection) throws Exception {
        HttpURLConnection start = open(baseUrl + "/api/projections/" + projection + "/rebuild", token);
        start.setRequestMethod("POST");
        if (start.getResponseCode() != 202) {
            throw new IllegalStateException("rebuild refused: " + start.getResponseCode());
        }
        start.getInputStream().readAllBytes();
        while (true) {
            Thread.sleep(500);
            HttpURLConnection poll = open(baseUrl + "/api/projections/" + projection, token);
            String view = new String(poll.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(view).get("rebuild");
            String state = node.get("state").asText();
            if ("done".equals(state)) {
                return node.get("processed").asLong();
            }
            if (!"building".equals(state) && !"switching".equals(state)) {
                throw new IllegalStateException("rebuild " + state + ": " + view);
            }
        }
    }

    private static HttpURLConnection open(String url, String token) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestProperty("Authorization", "Bearer " + token);
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(120_000);
        return connection;
    }

    static Map<String, Object> properties(String database) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", TestServices.jdbcUrl(database));
        properties.put("spring.datasource.username", TestServices.mariaDbUser());
        properties.put("spring.datasource.password", TestServices.mariaDbPassword());
        properties.put("spring.r2dbc.url", TestServices.r2dbcUrl(database));
        properties.put("spring.r2dbc.username", TestServices.mariaDbUser());
        properties.put("spring.r2dbc.password", TestServices.mariaDbPassword());
        properties.put("spring.data.redis.host", TestServices.redis().host());
        properties.put("spring.data.redis.port", TestServices.redis().port());
        properties.put("spring.kafka.bootstrap-servers", TestServices.kafkaBootstrap());
        properties.put("agent.auth.bootstrap-admin-token", "true");
        // the seeded processors have tokens, so their projections count as built by version 1: no upgrade rebuilds here
        properties.put("agent.projections.rebuild-outdated", "false");
        return properties;
    }

    private static Long pidOf(Path file) {
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Host, application, MariaDB and driver CPU between two marks. */
    private record Meter(HostCpu app, HostCpu db) {
        Meter(long appPid, Long dbPid) {
            this(new HostCpu(appPid), new HostCpu(dbPid));
        }

        record Mark(HostCpu.Sample app, HostCpu.Sample db) {
            double rate(long events) {
                return events / ((System.nanoTime() - app.wallNanos()) / 1e9);
            }
        }

        Mark mark() {
            return new Mark(app.sample(), db.sample());
        }

        void report(String measure, long events, List<Double> rates, Mark from) {
            HostCpu.Sample appNow = app.sample();
            HostCpu.Sample dbNow = db.sample();
            double[] sorted = rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted[sorted.length / 2];
            double appMicros = HostCpu.serverSeconds(from.app(), appNow) * 1e6 / Math.max(1, events * (long) rates.size());
            System.out.printf("| %s | %d | %.0f | %.0f–%.0f | %.1f | %s, MariaDB CPU %.2fs |%n", measure, events, median,
                    sorted[0], sorted[sorted.length - 1], appMicros, HostCpu.describe(from.app(), appNow).replace("server", "app"),
                    HostCpu.serverSeconds(from.db(), dbNow));
        }
    }
}
