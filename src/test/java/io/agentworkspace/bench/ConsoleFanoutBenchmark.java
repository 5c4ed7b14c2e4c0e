package io.agentworkspace.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * The live console under load: the service as a process of its own on the production profile (durable log on
 * MariaDB, one node), {@code ws} WebSocket (Pusher protocol) and {@code sse} SSE subscribers spread over
 * {@code channels} private run channels, and a publisher at {@code rate} events/s aggregate of ~200-byte console
 * lines through the Pusher HTTP API ({@code /batch_events}, {@code batch} events per signed request), all over
 * loopback. The clients are Reactor Netty WebSocket/HTTP clients in this JVM on two event-loop threads.
 *
 * <p>The publisher keeps a fixed schedule (batch k is due at t0 + (k+1)·batch/rate; it never sleeps after a send),
 * and each event carries its batch's due time: latency is from that scheduled publish to the moment a subscriber
 * has the event, so a server that falls behind shows in the figures (no coordinated omission). Every subscriber
 * checks its channel's ids arrive once each and in order; loss is what was acknowledged but not received (10 s
 * after the run's last publish).
 * A warm-up at the full rate, then {@code runs} timed runs of {@code seconds}; each run prints its figures, then
 * the median. The warm-up is long because on 2 vCPUs the JIT takes minutes to compile the service's request and
 * fan-out paths (its C2 thread used half a core for the first two minutes at 5,000 events/s), and until then the
 * service cannot keep up.
 *
 * <p>Run: {@code deploy/dev/bench.sh ConsoleFanoutBenchmark [sse=1000] [ws=1000] [channels=1000] [rate=5000]
 * [seconds=20] [warmup=240] [runs=3] [batch=10] [connections=256]}: {@code connections} is the publisher's HTTP
 * connection pool; each request holds one until its events are durable, so it caps requests in flight. Bounded: the whole run stops itself after its planned time plus
 * five minutes.
 */
public final class ConsoleFanoutBenchmark {

    static final String APP_ID = "agent-workspace";
    static final String KEY = "agent-workspace-key";
    static final String SECRET = "console-fanout-benchmark-secret";
    static final int LINE_BYTES = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = BenchOptions.parse(args, Map.of("sse", 1000, "ws", 1000, "channels", 1000, "rate", 5000,
                "seconds", 20, "warmup", 240, "runs", 3, "batch", 10, "connections", 256));
        int planned = options.get("warmup") + options.get("runs") * (options.get("seconds") + 15) + 300;
        BenchOptions.stopAfter("ConsoleFanoutBenchmark", planned);

        String database = TestServices.createDatabase();
        Path dataDir = Files.createTempDirectory("console-fanout-bench");
        List<String> launch = new ArrayList<>(List.of("-Xms512m", "-Xmx1g", "-XX:+UseG1GC",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"));
        // e.g. AGENT_BENCH_SERVER_OPTS=-XX:StartFlightRecording=filename=/tmp/console.jfr to profile the service
        String extra = System.getenv("AGENT_BENCH_SERVER_OPTS");
        if (extra != null && !extra.isBlank()) {
            launch.addAll(List.of(extra.trim().split("\\s+")));
        }
        launch.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.agentworkspace.AgentWorkspaceApplication"));
        // one node: the in-process fan-out; the log is on MariaDB, as with several nodes
        try (ServerProcess server = ServerProcess.mysqlNode(launch, database, dataDir, Map.of(
                "agent.console.pusher.secret", SECRET, "agent.console.fanout", "local",
                "agent.rag.index-on-clone", "false", "logging.level.io.agentworkspace", "WARN"))) {
            server.start(Duration.ofSeconds(180));
            new ConsoleFanoutBenchmark(options, server, AdminToken.read(dataDir)).run();
        }
        // the Reactor Netty client threads are daemons, but the pools are not worth waiting for
        System.exit(0);
    }

    private final int sse;
    private final int ws;
    private final int channels;
    private final int rate;
    private final int batch;
    private final Map<String, Integer> options;
    private final ServerProcess server;
    private final String token;
    private final HttpClient subscribers;
    private final HttpClient publisher;
    private final Latencies latencies = new Latencies();
    private final AtomicIntegerArray acknowledged;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong publishFailures = new AtomicLong();
    private final Map<String, AtomicLong> failureCauses = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Subscriber> all = new ArrayList<>();
    private final String padding;
    private long published;

    private ConsoleFanoutBenchmark(Map<String, Integer> options, ServerProcess server, String token) {
        this.options = options;
        this.sse = options.get("sse");
        this.ws = options.get("ws");
        this.channels = options.get("channels");
        this.rate = options.get("rate");
        this.batch = options.get("batch");
        this.server = server;
        this.token = token;
        this.acknowledged = new AtomicIntegerArray(channels);
        LoopResources loops = LoopResources.create("bench-client", 2, true);
        this.subscribers = HttpClient.create(ConnectionProvider.builder("bench-subscribers").maxConnections(sse + ws + 16)
                        .pendingAcquireMaxCount(-1).build())
                .runOn(loops).baseUrl(server.baseUrl());
        this.publisher = HttpClient.create(ConnectionProvider.builder("bench-publisher").maxConnections(options.get("connections"))
                        .pendingAcquireMaxCount(-1).build())
                .runOn(loops).baseUrl(server.baseUrl());
        // a console line of ~200 bytes with its n and t: {"n":123,"t":123456789012345,"text":"..."}
        this.padding = "x".repeat(LINE_BYTES - 45);
    }

    private void run() throws Exception {
        System.out.printf("Console fan-out: %d SSE + %d WebSocket subscribers on %d channels, %d events/s of %d B in "
                        + "batches of %d, MariaDB log, server pid %d; options %s%n", sse, ws, channels, rate, LINE_BYTES,
                batch, server.pid(), options);
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
        System.out.printf("%d subscribers ready in %.1f s%n", all.size(), (System.nanoTime() - connecting) / 1e9);

        publish(options.get("warmup"));
        drain();
        HostCpu serverCpu = new HostCpu(server.pid());
        Long mariaDb = HostCpu.mariaDbPid();
        HostCpu mariaDbCpu = new HostCpu(mariaDb);
        System.out.println("| run | published/s | delivered/s | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | server CPU µs/delivery "
                + "| host busy | server CPU s | MariaDB CPU s | driver CPU s | server heap MB | loss | dup/out of order |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        List<double[]> results = new ArrayList<>();
        List<String> breakdown = new ArrayList<>();
        for (int run = 1; run <= options.get("runs"); run++) {
            latencies.reset();
            ServerHistograms histogramsBefore = ServerHistograms.read(prometheus());
            long deliveredBefore = delivered.get();
            long publishedBefore = published;
            HostCpu.Sample from = serverCpu.sample();
            HostCpu.Sample dbFrom = mariaDbCpu.sample();
            latencies.recording = true;
            long started = System.nanoTime();
            publish(options.get("seconds"));
            drain();
            double seconds = (System.nanoTime() - started) / 1e9;
            latencies.recording = false;
            HostCpu.Sample to = serverCpu.sample();
            HostCpu.Sample dbTo = mariaDbCpu.sample();
            long deliveries = delivered.get() - deliveredBefore;
            double hostBusy = 100.0 * (to.hostBusy() - from.hostBusy()) / Math.max(1, to.hostTotal() - from.hostTotal());
            double serverSeconds = HostCpu.serverSeconds(from, to);
            double[] row = {(published - publishedBefore) / (double) options.get("seconds"), deliveries / seconds,
                    latencies.percentile(50), latencies.percentile(95), latencies.percentile(99),
                    latencies.percentile(99.9), latencies.max(), serverSeconds * 1e6 / Math.max(1, deliveries), hostBusy,
                    serverSeconds, mariaDb == null ? Double.NaN : HostCpu.serverSeconds(dbFrom, dbTo),
                    (to.jvmNanos() - from.jvmNanos()) / 1e9, serverHeapMegabytes(), loss(), disorder()};
            results.add(row);
            print(String.valueOf(run), row);
            breakdown.add(ServerHistograms.read(prometheus()).since(histogramsBefore).row(String.valueOf(run)));
        }
        double[] median = new double[results.get(0).length];
        for (int column = 0; column < median.length; column++) {
            int c = column;
            double[] values = results.stream().mapToDouble(row -> row[c]).sorted().toArray();
            median[column] = values[values.length / 2];
        }
        print("median", median);
        System.out.println();
        System.out.println("Server side, from the service's own histograms (bucket upper bounds, ms): publish = from the "
                + "request reaching publish() to the event being durable; handed = from publish() to the event being "
                + "handed to a connection (the rest of the latency above is the HTTP request before publish(), the "
                + "socket and the client)");
        System.out.println("| run | appends | events/append | append p50 | append p99 | publish p50 | publish p99 "
                + "| handed WS p50 | handed WS p99 | handed SSE p50 | handed SSE p99 |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        breakdown.forEach(System.out::println);
        double[] p99 = results.stream().mapToDouble(row -> row[4]).sorted().toArray();
        System.out.printf("p99 spread over the runs: %.2f–%.2f ms; publish failures: %d %s; acknowledged events: %d "
                + "(latencies are capped at 10 s: 10000.01 means 10 s or more)%n", p99[0], p99[p99.length - 1],
                publishFailures.get(), failureCauses, totalAcknowledged());
    }

    private static void print(String run, double[] r) {
        System.out.printf("| %s | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f | %.0f %% | %.1f | %.1f | %.1f | %.0f | %.0f | %.0f |%n",
                run, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14]);
    }

    /** Publishes on a fixed schedule for {@code seconds}; events go round-robin over the channels. */
    private void publish(int seconds) {
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
            StringBuilder body = new StringBuilder(batch * (LINE_BYTES + 80)).append("{\"batch\":[");
            for (int i = 0; i < batch; i++) {
                long event = published++;
                int channel = (int) (event % channels);
                targets[i] = channel;
                String data = "{\"n\":" + event / channels + ",\"t\":" + due + ",\"text\":\"" + padding + "\"}";
                body.append(i == 0 ? "" : ",").append("{\"channel\":\"").append(channelName(channel))
                        .append("\",\"name\":\"console.line\",\"data\":").append(quote(data)).append('}');
            }
            String text = body.append("]}").toString();
            String uri;
            try {
                uri = PusherApiRequests.signedUri("/apps/" + APP_ID + "/batch_events", KEY, SECRET, text,
                        System.currentTimeMillis() / 1000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            publisher.headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                    .post().uri(uri).send(ByteBufFlux.fromString(Mono.just(text)))
                    .responseSingle((response, content) -> content.then(Mono.just(response.status().code())))
                    .subscribe(status -> {
                        if (status == 200) {
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

    private String prometheus() {
        return subscribers.baseUrl(server.managementUrl()).get().uri("/actuator/prometheus").responseContent().aggregate().asString()
                .block(Duration.ofSeconds(10));
    }

    private double serverHeapMegabytes() {
        String metrics = prometheus();
        double bytes = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return bytes / (1024 * 1024);
    }

    private Mono<Void> sse(Subscriber subscriber) {
        subscribers.headers(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token)
                        .set(HttpHeaderNames.ACCEPT, "text/event-stream"))
                .get().uri("/api/console/stream?channel=" + channelName(subscriber.channel))
                .responseContent().asString(StandardCharsets.UTF_8)
                .subscribe(subscriber::onSseText, failure -> subscriber.failed(failure, "SSE"));
        return Mono.empty();
    }

    private Mono<Void> webSocket(Subscriber subscriber) {
        String channel = channelName(subscriber.channel);
        subscribers.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(65536).build())
                .uri("/app/" + KEY + "?protocol=7&client=bench&version=1")
                .handle((in, out) -> {
                    Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();
                    Mono<Void> reading = in.receive().asString(StandardCharsets.UTF_8).doOnNext(text -> {
                        if (text.startsWith("{\"event\":\"console.line\"")) {
                            subscriber.onWebSocketEvent(text);
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
                .subscribe(ignored -> { }, failure -> subscriber.failed(failure, "WebSocket"));
        return Mono.empty();
    }

    private static String channelName(int channel) {
        return "private-run.bench-" + channel;
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** One subscriber's count of its channel's events; touched only by its connection's event loop. */
    private final class Subscriber {
        final int channel;
        volatile boolean ready;
        volatile int received;
        volatile long disorder;
        private long lastId;
        private final StringBuilder carry = new StringBuilder();

        Subscriber(int channel) {
            this.channel = channel;
        }

        /** {@code {"event":"console.line",...,"data":"{\"_seq\":1,\"n\":..,\"t\":..,...}","id":..}} */
        void onWebSocketEvent(String frame) {
            accept(number(frame, "id"), number(frame, "t"));
        }

        void onSseText(String text) {
            carry.append(text);
            int end;
            while ((end = carry.indexOf("\n\n")) >= 0) {
                String message = carry.substring(0, end);
                carry.delete(0, end + 2);
                if (message.startsWith("id: ") && message.contains("\"console.line\"")) {
                    accept(number(message, "id"), number(message, "t"));
                } else if (message.startsWith("retry:")) {
                    ready = true;
                }
            }
        }

        /** @param id the channel's sequence id: strictly increasing, or it is a duplicate or out of order */
        private void accept(long id, long t) {
            long now = System.nanoTime();
            if (id <= lastId) {
                disorder++;
                return;
            }
            lastId = id;
            received++;
            delivered.incrementAndGet();
            latencies.record(now - t);
        }

        void failed(Throwable failure, String transport) {
            if (failure != null) {
                System.out.println(transport + " subscriber on channel " + channel + " ended: " + failure);
            }
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
