package io.agentworkspace.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import io.agentworkspace.console.PusherApiRequests;
import io.agentworkspace.console.ServerProcess;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.TestServices;

/**
 * The live console under load, side by side with nginx + nchan (the C fan-out server users would otherwise put in
 * front of it), driven by the same driver with the same load in the same run.
 *
 * <p>The service runs as a process of its own on the production profile (durable log on MariaDB with an fsync per
 * commit, one node, in-process fan-out); nchan as nginx with {@code worker_processes 2}, in memory (it makes no
 * durable write). The driver holds {@code sse} SSE and {@code ws} WebSocket subscribers spread round-robin over
 * {@code channels} channels (Reactor Netty clients on two event-loop threads) and publishes ~200-byte events on a
 * fixed schedule at {@code rate} events/s over {@code connections} keep-alive HTTP connections: to the service
 * through the Pusher HTTP API ({@code /apps/{id}/events}, one event per signed request, or {@code /batch_events}
 * with {@code batch} > 1), to nchan as one POST per event to {@code /pub/<channel>}.
 *
 * <p>Latency is from an event's scheduled publish time (event i is due at t0 + i/rate; the publisher never waits for
 * an answer, so a server that falls behind shows: no coordinated omission) to the moment a subscriber has parsed it.
 * Every subscriber checks that its channel's events arrive once each and in order (by the sequence number the
 * driver puts in each event); loss is what a server acknowledged but a subscriber did not have 10 s after the run.
 * CPU per delivery: the service's process plus MariaDB and Redis, or nginx's master and workers, from
 * {@code /proc/<pid>/stat}; host busy % and the driver's own CPU beside it.
 *
 * <p>{@code deploy/dev/bench.sh ConsoleFanoutBenchmark [load=publish|fanout|many] [servers=both|ours|nchan]
 * [sweep=0|1] [sse=] [ws=] [channels=] [rate=] [seconds=20] [warmup=150] [runs=3] [batch=1] [connections=100]
 * [sweepSeconds=10] [sweepSteps=8]}. The loads: {@code publish} 100 channels, 200 SSE + 200 WS, 2,000 events/s
 * (8,000 deliveries/s); {@code fanout} 1 channel, 100 SSE, 500 events/s (50,000 deliveries/s); {@code many} 1,000
 * channels, 1,000 SSE + 1,000 WS, 1,000 events/s. {@code sweep=1} raises the rate by 1.5x per step from the load's
 * rate until p99 passes 50 ms (or events are lost), for each server: the saturation point. {@code warmup} is the
 * service's (on 2 vCPUs its JIT needs minutes to compile the request and fan-out paths); nchan gets 5 s. Bounded:
 * the whole run stops itself after its planned time plus five minutes.
 */
public final class ConsoleFanoutBenchmark {

    static final String APP_ID = "agent-workspace";
    static final String KEY = "agent-workspace-key";
    static final String SECRET = "console-fanout-benchmark-secret";
    static final int LINE_BYTES = 200;
    static final double SATURATED_P99_MS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Map<String, Integer>> LOADS = Map.of(
            "publish", Map.of("channels", 100, "sse", 200, "ws", 200, "rate", 2000),
            "fanout", Map.of("channels", 1, "sse", 100, "ws", 0, "rate", 500),
            "many", Map.of("channels", 1000, "sse", 1000, "ws", 1000, "rate", 1000));

    public static void main(String[] args) throws Exception {
        Map<String, String> given = new LinkedHashMap<>();
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("options are name=value, not " + arg);
            }
            given.put(pair[0], pair[1]);
        }
        String load = given.getOrDefault("load", "publish");
        String servers = given.getOrDefault("servers", "both");
        if (!LOADS.containsKey(load) || !List.of("both", "ours", "nchan").contains(servers)) {
            throw new IllegalArgumentException("load is publish, fanout or many; servers is both, ours or nchan");
        }
        Map<String, Integer> options = new LinkedHashMap<>(Map.of("seconds", 20, "warmup", 150, "runs", 3,
                "batch", 1, "connections", 100, "sweep", 0, "sweepSeconds", 10, "sweepSteps", 8));
        options.putAll(LOADS.get(load));
        given.forEach((name, value) -> {
            if (name.equals("load") || name.equals("servers")) {
                return;
            }
            if (!options.containsKey(name)) {
                throw new IllegalArgumentException("unknown option " + name + "; options: load, servers, "
                        + options.keySet());
            }
            options.put(name, Integer.parseInt(value));
        });
        int perServer = options.get("sweep") == 1
                ? options.get("sweepSteps") * (options.get("sweepSeconds") + 20)
                : options.get("runs") * (options.get("seconds") + 15);
        int planned = options.get("warmup") + 2 * (perServer + 120) + 300;
        BenchOptions.stopAfter("ConsoleFanoutBenchmark", planned);

        System.out.printf("Console fan-out, load %s: %d SSE + %d WebSocket subscribers on %d channels, %d events/s "
                        + "of %d B, %d per request, %d publisher connections; %d cores; options %s%n", load,
                options.get("sse"), options.get("ws"), options.get("channels"), options.get("rate"), LINE_BYTES,
                options.get("batch"), options.get("connections"), Runtime.getRuntime().availableProcessors(), options);
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        if (!servers.equals("nchan")) {
            try (OurServer ours = OurServer.start()) {
                results.put("ours", new ConsoleFanoutBenchmark(options, ours).measure(options.get("warmup")));
            }
        }
        if (!servers.equals("ours")) {
            try (NchanTarget nchan = new NchanTarget(NchanServer.start(2))) {
                results.put("nchan", new ConsoleFanoutBenchmark(options, nchan).measure(5));
            }
        }
        if (results.size() == 2 && options.get("sweep") == 0) {
            compare(results.get("ours"), results.get("nchan"));
        }
        // the Reactor Netty client threads are daemons, but the pools are not worth waiting for
        System.exit(0);
    }

    /** What the driver needs to know of a server: where to publish, where to subscribe, whose CPU to count. */
    interface Target extends AutoCloseable {

        String name();

        String baseUrl();

        List<Long> serverPids();

        /** The URI and body of a publish of {@code events} (one, or a batch where the server takes them). */
        Publication publication(List<Event> events);

        /** SSE: the URI and whether it needs the bearer token. */
        String sseUri(String channel);

        String webSocketUri(String channel);

        /** Whether a WebSocket subscriber must subscribe (Pusher) or is subscribed by its URI (nchan). */
        boolean pusherProtocol();

        /** The server's own latency histograms, or null. */
        default String prometheus(HttpClient client) {
            return null;
        }

        @Override
        void close() throws Exception;
    }

    record Event(String channel, String data) {
    }

    record Publication(String uri, String body, String contentType) {
    }

    /** The service: its process, MariaDB and Redis are the server. */
    static final class OurServer implements Target {

        private final ServerProcess process;
        private final String token;

        private OurServer(ServerProcess process, String token) {
            this.process = process;
            this.token = token;
        }

        static OurServer start() throws Exception {
            String database = TestServices.createDatabase();
            Path dataDir = Files.createTempDirectory("console-fanout-bench");
            List<String> launch = new ArrayList<>(List.of("-Xms512m", "-Xmx1g", "-XX:+UseG1GC",
                    "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"));
            // e.g. AGENT_BENCH_SERVER_OPTS=-XX:StartFlightRecording=filename=/tmp/console.jfr to profile the service
            String extra = System.getenv("AGENT_BENCH_SERVER_OPTS");
            if (extra != null && !extra.isBlank()) {
                List<String> options = List.of(extra.trim().split("\\s+"));
                // another collector named there (-XX:+UseZGC, ...) replaces G1
                if (options.stream().anyMatch(option -> option.matches("-XX:\\+Use\\w+GC"))) {
                    launch.remove("-XX:+UseG1GC");
                }
                launch.addAll(options);
            }
            launch.addAll(List.of("-cp", System.getProperty("java.class.path"),
                    "io.agentworkspace.AgentWorkspaceApplication"));
            // one node: the in-process fan-out; the log is on MariaDB, as with several nodes
            ServerProcess process = ServerProcess.mysqlNode(launch, database, dataDir, Map.of(
                    "agent.console.pusher.secret", SECRET, "agent.console.fanout", "local",
                    "agent.rag.index-on-clone", "false", "logging.level.io.agentworkspace", "WARN"));
            process.start(Duration.ofSeconds(600));
            return new OurServer(process, AdminToken.read(dataDir));
        }

        @Override
        public String name() {
            return "this service";
        }

        @Override
        public String baseUrl() {
            return process.baseUrl();
        }

        @Override
        public List<Long> serverPids() {
            return java.util.Arrays.asList(process.pid(), HostCpu.mariaDbPid(), HostCpu.redisPid());
        }

        @Override
        public Publication publication(List<Event> events) {
            String body;
            String path;
            if (events.size() == 1) {
                path = "/apps/" + APP_ID + "/events";
                body = "{\"name\":\"console.line\",\"channel\":\"" + events.get(0).channel() + "\",\"data\":"
                        + quote(events.get(0).data()) + "}";
            } else {
                path = "/apps/" + APP_ID + "/batch_events";
                StringBuilder batch = new StringBuilder("{\"batch\":[");
                for (int i = 0; i < events.size(); i++) {
                    batch.append(i == 0 ? "" : ",").append("{\"channel\":\"").append(events.get(i).channel())
                            .append("\",\"name\":\"console.line\",\"data\":").append(quote(events.get(i).data()))
                            .append('}');
                }
                body = batch.append("]}").toString();
            }
            try {
                return new Publication(PusherApiRequests.signedUri(path, KEY, SECRET, body,
                        System.currentTimeMillis() / 1000), body, "application/json");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String sseUri(String channel) {
            return "/api/console/stream?channel=" + channel;
        }

        String token() {
            return token;
        }

        @Override
        public String webSocketUri(String channel) {
            return "/app/" + KEY + "?protocol=7&client=bench&version=1";
        }

        @Override
        public boolean pusherProtocol() {
            return true;
        }

        /** The one place the benchmark reads the service's metrics from. */
        String prometheusUrl() {
            return process.managementUrl() + "/actuator/prometheus";
        }

        @Override
        public String prometheus(HttpClient client) {
            return client.get().uri(prometheusUrl()).responseContent().aggregate().asString()
                    .block(Duration.ofSeconds(10));
        }

        @Override
        public void close() throws Exception {
            process.stop();
        }
    }

    /** nginx + nchan: its master and worker processes are the server. */
    static final class NchanTarget implements Target {

        private final NchanServer server;

        NchanTarget(NchanServer server) {
            this.server = server;
        }

        @Override
        public String name() {
            return "nginx + nchan";
        }

        @Override
        public String baseUrl() {
            return server.baseUrl();
        }

        @Override
        public List<Long> serverPids() {
            return server.pids();
        }

        @Override
        public Publication publication(List<Event> events) {
            if (events.size() != 1) {
                throw new IllegalStateException("nchan takes one message per publish");
            }
            return new Publication("/pub/" + events.get(0).channel(), events.get(0).data(), "application/json");
        }

        @Override
        public String sseUri(String channel) {
            return "/sub/" + channel;
        }

        @Override
        public String webSocketUri(String channel) {
            return "/sub/" + channel;
        }

        @Override
        public boolean pusherProtocol() {
            return false;
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    private final int sse;
    private final int ws;
    private final int channels;
    private final int batch;
    private final Map<String, Integer> options;
    private final Target target;
    private final HttpClient subscribers;
    private final HttpClient publisher;
    private final Disposable.Composite connections = Disposables.composite();
    private final Latencies latencies = new Latencies();
    private final AtomicIntegerArray acknowledged;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong publishFailures = new AtomicLong();
    private final Map<String, AtomicLong> failureCauses = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Subscriber> all = new ArrayList<>();
    private final String padding;
    private long published;

    private ConsoleFanoutBenchmark(Map<String, Integer> options, Target target) {
        this.options = options;
        this.sse = options.get("sse");
        this.ws = options.get("ws");
        this.channels = options.get("channels");
        this.batch = target.pusherProtocol() ? options.get("batch") : 1;
        this.target = target;
        this.acknowledged = new AtomicIntegerArray(channels);
        LoopResources loops = LoopResources.create("bench-client", 2, true);
        this.subscribers = HttpClient.create(ConnectionProvider.builder("bench-subscribers")
                        .maxConnections(sse + ws + 16).pendingAcquireMaxCount(-1).build())
                .runOn(loops).baseUrl(target.baseUrl());
        this.publisher = HttpClient.create(ConnectionProvider.builder("bench-publisher")
                        .maxConnections(options.get("connections")).pendingAcquireMaxCount(-1).build())
                .runOn(loops).baseUrl(target.baseUrl());
        // a console line of ~200 bytes with its n and t: {"n":123,"t":123456789012345,"text":"..."}
        this.padding = "x".repeat(LINE_BYTES - 45);
    }

    /** Connects, warms up, then measures (runs or a sweep); returns one row per run or step. */
    private List<double[]> measure(int warmupSeconds) throws Exception {
        System.out.printf("%n## %s (%s, server pids %s)%n", target.name(), target.baseUrl(), target.serverPids());
        long connecting = System.nanoTime();
        Flux.range(0, sse + ws).flatMap(i -> {
            Subscriber subscriber = new Subscriber(i % channels);
            synchronized (all) {
                all.add(subscriber);
            }
            return i < sse ? sse(subscriber) : webSocket(subscriber);
        }, 100).blockLast(Duration.ofSeconds(180));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (all.stream().anyMatch(subscriber -> !subscriber.ready)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(all.stream().filter(s -> !s.ready).count() + " subscribers not ready");
            }
            Thread.sleep(50);
        }
        System.out.printf("%d subscribers ready in %.1f s; warming up %d s%n", all.size(),
                (System.nanoTime() - connecting) / 1e9, warmupSeconds);
        int rate = options.get("rate");
        publish(rate, warmupSeconds);
        drain();
        List<double[]> rows = new ArrayList<>();
        List<String> breakdown = new ArrayList<>();
        System.out.println("| run | events/s | published/s | delivered/s | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms "
                + "| server CPU µs/delivery | host busy | server CPU s | driver CPU s | loss | dup/out of order |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        if (options.get("sweep") == 1) {
            double stepRate = rate;
            for (int step = 1; step <= options.get("sweepSteps"); step++) {
                publish((int) stepRate, 3);
                drain();
                double[] row = run(String.valueOf(step), (int) stepRate, options.get("sweepSeconds"), breakdown);
                rows.add(row);
                if (row[5] > SATURATED_P99_MS || row[12] > 0 || row[1] < 0.9 * row[0]) {
                    break;
                }
                stepRate *= 1.5;
            }
            reportSaturation(rows);
        } else {
            for (int run = 1; run <= options.get("runs"); run++) {
                rows.add(run(String.valueOf(run), rate, options.get("seconds"), breakdown));
            }
            print("median", median(rows));
            double[] p99 = rows.stream().mapToDouble(row -> row[5]).sorted().toArray();
            double[] cpu = rows.stream().mapToDouble(row -> row[8]).sorted().toArray();
            System.out.printf("spread over the runs: p99 %.2f–%.2f ms, server CPU %.1f–%.1f µs/delivery%n", p99[0],
                    p99[p99.length - 1], cpu[0], cpu[cpu.length - 1]);
        }
        System.out.println("Server CPU split per process (" + (target.pusherProtocol()
                ? "the service, MariaDB, Redis" : "nginx master, workers") + "):");
        splits.forEach(System.out::println);
        if (!breakdown.isEmpty()) {
            System.out.println();
            System.out.println("Server side, from the service's own histograms (bucket upper bounds, ms): publish = "
                    + "from the request reaching publish() to the event being durable; handed = from publish() to "
                    + "the event being handed to a connection");
            System.out.println("| run | appends | events/append | append p50 | append p99 | publish p50 | publish p99 "
                    + "| handed WS p50 | handed WS p99 | handed SSE p50 | handed SSE p99 |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
            breakdown.forEach(System.out::println);
        }
        System.out.printf("publish failures: %d %s; acknowledged events: %d (latencies are capped at 10 s: 10000.01 "
                + "means 10 s or more)%n", publishFailures.get(), failureCauses, totalAcknowledged());
        connections.dispose();
        return rows;
    }

    /**
     * One timed run: {@code events/s, published/s, delivered/s, p50, p95, p99, p99.9, max, server CPU µs/delivery,
     * host busy %, server CPU s, driver CPU s, loss, disorder}.
     */
    private double[] run(String name, int rate, int seconds, List<String> breakdown) throws InterruptedException {
        List<Long> pids = target.serverPids();
        HostCpu meter = HostCpu.ofProcesses(pids);
        long[] ticksBefore = ticks(pids);
        latencies.reset();
        String before = target.prometheus(subscribers);
        long deliveredBefore = delivered.get();
        long publishedBefore = published;
        HostCpu.Sample from = meter.sample();
        latencies.recording = true;
        long started = System.nanoTime();
        publish(rate, seconds);
        drain();
        double elapsed = (System.nanoTime() - started) / 1e9;
        latencies.recording = false;
        HostCpu.Sample to = meter.sample();
        long deliveries = delivered.get() - deliveredBefore;
        double hostBusy = HostCpu.busyPercent(from, to);
        double serverSeconds = HostCpu.serverSeconds(from, to);
        double[] row = {rate, (published - publishedBefore) / (double) seconds, deliveries / elapsed,
                latencies.percentile(50), latencies.percentile(95), latencies.percentile(99),
                latencies.percentile(99.9), latencies.max(), serverSeconds * 1e6 / Math.max(1, deliveries), hostBusy,
                serverSeconds, (to.jvmNanos() - from.jvmNanos()) / 1e9, loss(), disorder()};
        print(name, row);
        long[] ticksAfter = ticks(pids);
        StringBuilder split = new StringBuilder("  server CPU by process (s):");
        for (int i = 0; i < pids.size(); i++) {
            split.append(' ').append(pids.get(i) == null ? "?" : String.valueOf(pids.get(i))).append('=')
                    .append(String.format("%.2f", (ticksAfter[i] - ticksBefore[i]) / 100.0));
        }
        splits.add(name + split);
        if (before != null) {
            breakdown.add(ServerHistograms.read(target.prometheus(subscribers)).since(ServerHistograms.read(before))
                    .row(name));
        }
        return row;
    }

    private final List<String> splits = new ArrayList<>();

    private static long[] ticks(List<Long> pids) {
        long[] ticks = new long[pids.size()];
        for (int i = 0; i < pids.size(); i++) {
            try {
                ticks[i] = pids.get(i) == null ? 0 : HostCpu.ticks(pids.get(i));
            } catch (java.io.IOException gone) {
                ticks[i] = 0;
            }
        }
        return ticks;
    }

    private static void print(String run, double[] r) {
        System.out.printf("| %s | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f | %.0f %% | %.1f | %.1f "
                + "| %.0f | %.0f |%n", run, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11],
                r[12], r[13]);
    }

    private static double[] median(List<double[]> rows) {
        double[] median = new double[rows.get(0).length];
        for (int column = 0; column < median.length; column++) {
            int c = column;
            double[] values = rows.stream().mapToDouble(row -> row[c]).sorted().toArray();
            median[column] = values[values.length / 2];
        }
        return median;
    }

    private void reportSaturation(List<double[]> rows) {
        double[] over = rows.stream().filter(row -> row[5] > SATURATED_P99_MS).findFirst().orElse(null);
        double[] last = rows.stream().filter(row -> row[5] <= SATURATED_P99_MS && row[12] == 0)
                .reduce((a, b) -> b).orElse(null);
        System.out.printf("saturation (%s): %s; highest step under it: %s%n", target.name(),
                over == null ? "p99 stayed under " + SATURATED_P99_MS + " ms in every step"
                        : String.format("p99 %.1f ms at %.0f deliveries/s (%.0f events/s)", over[5], over[2], over[0]),
                last == null ? "none" : String.format("%.0f deliveries/s, p99 %.1f ms, %.1f µs CPU/delivery",
                        last[2], last[5], last[8]));
    }

    private static void compare(List<double[]> ours, List<double[]> nchan) {
        double[] a = median(ours);
        double[] b = median(nchan);
        System.out.println();
        System.out.println("## Side by side (medians of the runs; ratio = this service / nchan)");
        System.out.println("| figure | this service | nginx + nchan | ratio |");
        System.out.println("|---|---|---|---|");
        String[] names = {"delivered/s", "p50 ms", "p95 ms", "p99 ms", "p99.9 ms", "server CPU µs/delivery",
                "host busy %", "driver CPU s"};
        int[] columns = {2, 3, 4, 5, 6, 8, 9, 11};
        for (int i = 0; i < names.length; i++) {
            System.out.printf("| %s | %.2f | %.2f | %.2f |%n", names[i], a[columns[i]], b[columns[i]],
                    a[columns[i]] / b[columns[i]]);
        }
    }

    /** Publishes on a fixed schedule for {@code seconds}; events go round-robin over the channels. */
    private void publish(int rate, int seconds) {
        long periodNanos = TimeUnit.SECONDS.toNanos(1) * batch / rate;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        for (long k = 0; ; k++) {
            long due = start + (k + 1) * periodNanos;
            if (due > end) {
                return;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int[] targets = new int[batch];
            List<Event> events = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                long event = published++;
                int channel = (int) (event % channels);
                targets[i] = channel;
                events.add(new Event(channelName(channel),
                        "{\"n\":" + (event / channels + 1) + ",\"t\":" + due + ",\"text\":\"" + padding + "\"}"));
            }
            Publication publication = target.publication(events);
            publisher.headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, publication.contentType()))
                    .post().uri(publication.uri()).send(ByteBufFlux.fromString(Mono.just(publication.body())))
                    .responseSingle((response, content) -> content.then(Mono.just(response.status().code())))
                    .subscribe(status -> {
                        if (status >= 200 && status < 300) {
                            for (int channel : targets) {
                                acknowledged.incrementAndGet(channel);
                            }
                        } else {
                            failed("HTTP " + status);
                        }
                    }, failure -> failed(failure.getClass().getSimpleName()));
        }
    }

    private void failed(String cause) {
        publishFailures.addAndGet(batch);
        failureCauses.computeIfAbsent(cause, c -> new AtomicLong()).addAndGet(batch);
    }

    /** Waits (at most 10 s) until every subscriber has every acknowledged event of its channel. */
    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Thread.sleep(200);
        while (loss() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Acknowledged events a subscriber has not (yet) received. */
    private long loss() {
        long missing = 0;
        for (Subscriber subscriber : all) {
            missing += Math.max(0, acknowledged.get(subscriber.channel) - subscriber.received);
        }
        return missing;
    }

    private long disorder() {
        return all.stream().mapToLong(subscriber -> subscriber.disorder).sum();
    }

    private long totalAcknowledged() {
        long sum = 0;
        for (int i = 0; i < channels; i++) {
            sum += acknowledged.get(i);
        }
        return sum;
    }

    private Mono<Void> sse(Subscriber subscriber) {
        connections.add(subscribers.headers(headers -> {
                    headers.set(HttpHeaderNames.ACCEPT, "text/event-stream");
                    if (target instanceof OurServer ours) {
                        headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + ours.token());
                    }
                })
                .get().uri(target.sseUri(channelName(subscriber.channel)))
                .responseContent().asString(StandardCharsets.UTF_8)
                .subscribe(subscriber::onSseText, failure -> subscriber.failed(failure, "SSE")));
        return Mono.empty();
    }

    private Mono<Void> webSocket(Subscriber subscriber) {
        String channel = channelName(subscriber.channel);
        WebsocketClientSpec.Builder spec = WebsocketClientSpec.builder().maxFramePayloadLength(65536);
        if (!target.pusherProtocol()) {
            spec.protocols("ws+meta.nchan"); // nchan then prefixes each message with its id
        }
        connections.add(subscribers.websocket(spec.build())
                .uri(target.webSocketUri(channel))
                .handle((in, out) -> {
                    Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();
                    if (!target.pusherProtocol()) {
                        subscriber.ready = true;
                    }
                    Mono<Void> reading = in.receive().asString(StandardCharsets.UTF_8).doOnNext(text -> {
                        if (!target.pusherProtocol() || text.startsWith("{\"event\":\"console.line\"")) {
                            subscriber.onEvent(text);
                        } else if (text.contains("pusher:connection_established")) {
                            try {
                                JsonNode data = JSON.readTree(JSON.readTree(text).path("data").asText());
                                String auth = PusherApiRequests.channelAuth(KEY, SECRET, data.path("socket_id").asText(),
                                        channel);
                                outbound.tryEmitNext("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel
                                        + "\",\"auth\":\"" + auth + "\"}}");
                            } catch (Exception e) {
                                subscriber.failed(e, "WebSocket");
                            }
                        } else if (text.contains("pusher_internal:subscription_succeeded")) {
                            subscriber.ready = true;
                        } else if (text.contains("pusher:ping")) {
                            outbound.tryEmitNext("{\"event\":\"pusher:pong\",\"data\":{}}");
                        }
                    }).then();
                    return Mono.when(reading, out.sendString(outbound.asFlux()).then());
                })
                .subscribe(ignored -> { }, failure -> subscriber.failed(failure, "WebSocket")));
        return Mono.empty();
    }

    private static String channelName(int channel) {
        return "private-run.bench-" + channel;
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * One subscriber's count of its channel's events; touched only by its connection's event loop. Order is checked
     * against the server's own order (the service's event ids; nchan's message ids {@code time:index}), duplicates
     * and loss against the driver's per-channel sequence number {@code n}: publishes of one channel may overtake
     * each other on their way to the server, so arrival order by {@code n} says nothing about the server.
     */
    private final class Subscriber {
        final int channel;
        volatile boolean ready;
        volatile int received;
        volatile long disorder;
        private long lastOrder;
        private final java.util.BitSet seen = new java.util.BitSet();
        private final StringBuilder carry = new StringBuilder();

        Subscriber(int channel) {
            this.channel = channel;
        }

        /** A WebSocket frame: the service's Pusher frame ({@code "id":N}) or nchan's meta frame ({@code id: T:I}). */
        void onEvent(String text) {
            accept(target.pusherProtocol() ? number(text, "id") : nchanOrder(text), number(text, "n"),
                    number(text, "t"));
        }

        /** SSE: ready on the stream's first bytes (the service's retry/id, nchan's comment); then messages. */
        void onSseText(String text) {
            ready = true;
            carry.append(text);
            int end;
            while ((end = carry.indexOf("\n\n")) >= 0) {
                String message = carry.substring(0, end);
                carry.delete(0, end + 2);
                if (message.contains("\"t\":") || message.contains("\\\"t\\\":")) {
                    accept(target.pusherProtocol() ? sseId(message) : nchanOrder(message), number(message, "n"),
                            number(message, "t"));
                }
            }
        }

        private void accept(long order, long n, long t) {
            long now = System.nanoTime();
            if (n <= 0 || n > Integer.MAX_VALUE || seen.get((int) n)) {
                disorder++;
                return;
            }
            seen.set((int) n);
            if (order <= lastOrder) {
                disorder++;
            }
            lastOrder = Math.max(lastOrder, order);
            received++;
            delivered.incrementAndGet();
            latencies.record(now - t);
        }

        void failed(Throwable failure, String transport) {
            if (failure != null) {
                System.out.println(transport + " subscriber on channel " + channel + " ended: " + failure);
            }
        }

        /** {@code id: 123} at the start of an SSE message of the service. */
        private static long sseId(String message) {
            long value = 0;
            for (int at = 4; at < message.length() && Character.isDigit(message.charAt(at)); at++) {
                value = value * 10 + (message.charAt(at) - '0');
            }
            return value;
        }

        /** nchan's message id {@code id: <seconds>:<index>} (SSE and ws+meta) as one increasing number. */
        private static long nchanOrder(String message) {
            int at = message.indexOf("id: ") + 4;
            long seconds = 0;
            while (at < message.length() && Character.isDigit(message.charAt(at))) {
                seconds = seconds * 10 + (message.charAt(at++) - '0');
            }
            long index = 0;
            if (at < message.length() && message.charAt(at) == ':') {
                at++;
                while (at < message.length() && Character.isDigit(message.charAt(at))) {
                    index = index * 10 + (message.charAt(at++) - '0');
                }
            }
            return seconds * 1_000_000 + index;
        }

        /** The number after the member {@code name}, in plain or in string-escaped JSON. */
        private static long number(String text, String name) {
            String plain = "\"" + name + "\":";
            String escaped = "\\\"" + name + "\\\":";
            int found = text.indexOf(plain);
            int at = found >= 0 ? found + plain.length() : text.indexOf(escaped) + escaped.length();
            long value = 0;
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                value = value * 10 + (text.charAt(at++) - '0');
            }
            return value;
        }
    }

    /** Publish-to-receive latencies in 10 µs buckets up to 10 s, recorded without locks. */
    private static final class Latencies {
        private static final int BUCKETS = 1_000_001;
        private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
        private final AtomicLong maxNanos = new AtomicLong();
        volatile boolean recording;

        void record(long nanos) {
            if (!recording) {
                return;
            }
            counts.incrementAndGet((int) Math.min(BUCKETS - 1, Math.max(0, nanos / 10_000)));
            maxNanos.accumulateAndGet(nanos, Math::max);
        }

        void reset() {
            for (int i = 0; i < BUCKETS; i++) {
                counts.set(i, 0);
            }
            maxNanos.set(0);
        }

        /** In ms, the upper edge of the bucket holding the percentile. */
        double percentile(double percent) {
            long total = 0;
            for (int i = 0; i < BUCKETS; i++) {
                total += counts.get(i);
            }
            long rank = (long) Math.ceil(total * percent / 100.0);
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += counts.get(i);
                if (seen >= rank && total > 0) {
                    return (i + 1) * 0.01;
                }
            }
            return Double.NaN;
        }

        double max() {
            return maxNanos.get() / 1e6;
        }
    }
}
