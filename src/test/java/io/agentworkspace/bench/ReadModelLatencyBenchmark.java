package io.agentworkspace.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import io.agentworkspace.auth.Pairings;
import io.agentworkspace.auth.Preset;
import io.agentworkspace.auth.TokenIssuance;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.secret.SecretValue;
import io.agentworkspace.secret.Secrets;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.RunningApp;
import io.agentworkspace.support.TestServices;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Command-to-read-model latency of every projection (projections/*.json), on the production profile (MariaDB +
 * Redis) with the service and the driver in one JVM. Each command's dispatch time is recorded by a dispatch
 * interceptor on the command bus; each projection's processor records, by a handler interceptor, when the batch
 * holding an event of that command has committed (read model and token together). Latency = commit - dispatch, per
 * projection.
 * <ul>
 * <li>idle: one command at a time, 50 ms apart, of each kind that feeds a projection (issue a token, issue a
 * pairing code, set a secret, register a project, start a run, take a snapshot, reindex a project): 30 per kind
 * and round;</li>
 * <li>load: {@code rate} commands/s (default 1000) for {@code seconds}: token, pairing and secret commands in turn
 * on a fixed schedule (never waiting for answers), plus one project registration, one run and one snapshot per
 * second so every projection is measured under the load.</li>
 * </ul>
 * A warm-up round, then {@code runs} rounds of each (median of the rounds' percentiles, spread of p99).
 *
 * The idle rounds run twice, in the same run: first with the processors on Axon's own re-poll of a quiet store
 * ({@code agent.projections.wake-on-append=false}, the baseline), then woken on append (the default).
 *
 * <p>{@code deploy/dev/bench.sh ReadModelLatencyBenchmark [rate=1000] [seconds=20] [runs=3] [no-baseline] [http]}
 * (rate 0: idle only). The load's token, pairing and secret commands go through the services the API's handlers
 * call (one JVM's HTTP client and server at 1,000 requests/s would take the two cores the commands need); with
 * {@code http}, through the HTTP API. Besides the whole latency, the idle table shows its part after the command's
 * own unit of work committed (the events appended): what the processors add.
 */
public final class ReadModelLatencyBenchmark {

    private static final List<String> PROJECTIONS = List.of("api-tokens", "pairings", "secrets", "projects", "runs",
            "snapshots", "rag-index-runs");

    /** Dispatch time of each command by its message id; an event's {@code traceId} names its command. */
    private final Map<String, Long> dispatched = new ConcurrentHashMap<>();
    /** When each command's unit of work committed (its events appended) by its message id. */
    private final Map<String, Long> committed = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> causes = new ConcurrentHashMap<>();
    /** Latencies in microseconds per projection, for the current phase. */
    private final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
    /** The part of each latency after the command's events were appended (read by the processor, handled, committed). */
    private final Map<String, List<Long>> afterAppend = new ConcurrentHashMap<>();
    /** The part of each latency from the processor's handler being called to its batch's commit. */
    private final Map<String, List<Long>> handling = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<String> flags = args.length > 3 ? List.of(args).subList(3, args.length) : List.of();
        boolean baseline = !flags.contains("no-baseline");
        boolean viaHttp = flags.contains("http");
        // the baseline of the same run: Axon's own re-poll of a quiet store (every 500 ms), idle only
        if (baseline) {
            new ReadModelLatencyBenchmark().run(rate, seconds, runs, false, viaHttp);
        }
        new ReadModelLatencyBenchmark().run(rate, seconds, runs, true, viaHttp);
    }

    private void run(int rate, int seconds, int runs, boolean wake, boolean viaHttp) throws Exception {
        Path root = Files.createTempDirectory("read-model-bench");
        Path origin = GitRepositories.withCommits(root.resolve("origin"), 1).path();
        String database = TestServices.createDatabase();
        try (RunningApp app = RunningApp.start(database, root.resolve("data"), Map.of(
                "agent.rag.index-on-clone", false,
                "agent.runs.queues.agents-default.concurrency", 8,
                "agent.projections.wake-on-append", wake,
                // one token drives 1,000 commands/s: past the API's per-token budget (12,000 a minute)
                "agent.http.rate-limits.enabled", false,
                "logging.level.io.agentworkspace", "WARN"))) {
            instrument(app);
            WebTestClient http = app.http().mutate().responseTimeout(Duration.ofSeconds(60)).build();
            String token = AdminToken.read(app.bean(DataDirectory.class).root());
            int port = app.bean(org.springframework.core.env.Environment.class)
                    .getRequiredProperty("local.server.port", Integer.class);
            WebClient client = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                    .defaultHeader("Authorization", "Bearer " + token)
                    .clientConnector(new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider
                            .builder("read-model-bench").maxConnections(256).pendingAcquireMaxCount(-1).build())))
                    .build();
            String project = ProjectWorkspaces.registerAndClone(http, origin);
            HostCpu meter = new HostCpu(HostCpu.mariaDbPid());
            System.out.printf("%nCommand-to-read-model latency, processors %s: mysql profile (MariaDB + Redis), one "
                    + "node, %d cores; idle: 30 commands per kind 50 ms apart; load: %d commands/s for %d s %s; %d rounds "
                    + "after a warm-up%n", wake ? "woken on append" : "on Axon's 500 ms re-poll (baseline, idle only)",
                    Runtime.getRuntime().availableProcessors(), rate, seconds,
                    viaHttp ? "through the HTTP API" : "through the services the API calls", runs);

            idle(http, project, origin);
            List<Map<String, long[]>> idleRounds = new ArrayList<>();
            HostCpu.Sample before = meter.sample();
            for (int r = 0; r < runs; r++) {
                idleRounds.add(idle(http, project, origin));
            }
            String idleCpu = HostCpu.describe(before, meter.sample());

            List<Map<String, long[]>> loadRounds = new ArrayList<>();
            List<Double> achieved = new ArrayList<>();
            boolean loaded = wake && rate > 0;
            if (loaded) {
                load(app, viaHttp, client, http, project, origin, rate, Math.min(seconds, 10));
            }
            before = meter.sample();
            for (int r = 0; loaded && r < runs; r++) {
                LoadResult result = load(app, viaHttp, client, http, project, origin, rate, seconds);
                achieved.add(result.answeredPerSecond());
                loadRounds.add(result.figures());
            }
            String loadCpu = HostCpu.describe(before, meter.sample());

            System.out.println();
            System.out.println("| projection | idle p50 ms | idle p99 ms | idle p99 min–max | idle events "
                    + "| idle after append p50 ms | idle after append p99 ms | idle handled p50 ms | idle handled p99 ms "
                    + "| load p50 ms | load p99 ms | load p99 min–max | load events |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            for (String projection : PROJECTIONS) {
                System.out.printf("| %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %d |%n", projection,
                        median(idleRounds, projection, 0), median(idleRounds, projection, 1),
                        spread(idleRounds, projection), count(idleRounds, projection),
                        median(idleRounds, projection, 3), median(idleRounds, projection, 4),
                        median(idleRounds, projection, 5), median(idleRounds, projection, 6),
                        median(loadRounds, projection, 0), median(loadRounds, projection, 1),
                        spread(loadRounds, projection), count(loadRounds, projection));
            }
            System.out.printf("%nidle: %s%nload: %s; commands/s achieved per round %s%n", idleCpu, loadCpu,
                    achieved.stream().map(a -> String.format("%.0f", a)).toList());
        }
    }

    private void instrument(RunningApp app) {
        app.bean(CommandBus.class).registerDispatchInterceptor(commands -> (index, command) -> {
            dispatched.put(command.getIdentifier(), System.nanoTime());
            return command;
        });
        app.bean(CommandBus.class).registerHandlerInterceptor((unitOfWork, chain) -> {
            String id = unitOfWork.getMessage().getIdentifier();
            unitOfWork.afterCommit(done -> committed.put(id, System.nanoTime()));
            return chain.proceed();
        });
        EventProcessingConfiguration processing = app.bean(EventProcessingConfiguration.class);
        for (String projection : PROJECTIONS) {
            MessageHandlerInterceptor<EventMessage<?>> interceptor = (unitOfWork, chain) -> {
                Object trace = unitOfWork.getMessage().getMetaData().get("traceId");
                Long sent = trace == null ? null : dispatched.get(trace.toString());
                if (sent != null) {
                    long handled = System.nanoTime();
                    unitOfWork.afterCommit(done -> {
                        long now = System.nanoTime();
                        handling.computeIfAbsent(projection, p -> java.util.Collections.synchronizedList(
                                new ArrayList<>())).add((now - handled) / 1000);
                        latencies.computeIfAbsent(projection, p -> java.util.Collections.synchronizedList(
                                new ArrayList<>())).add((now - sent) / 1000);
                        Long appended = committed.get(trace.toString());
                        if (appended != null) {
                            afterAppend.computeIfAbsent(projection, p -> java.util.Collections.synchronizedList(
                                    new ArrayList<>())).add((now - appended) / 1000);
                        }
                    });
                }
                return chain.proceed();
            };
            processing.eventProcessor(projection).orElseThrow(() -> new IllegalStateException("no processor "
                    + projection)).registerHandlerInterceptor(interceptor);
        }
    }

    /** One command at a time of each kind; returns p50/p99 (µs) and counts per projection. */
    private Map<String, long[]> idle(WebTestClient http, String project, Path origin) throws Exception {
        latencies.clear();
        afterAppend.clear();
        handling.clear();
        for (int i = 0; i < 30; i++) {
            issueToken(http);
            Thread.sleep(50);
            issuePairing(http);
            Thread.sleep(50);
            setSecret(http);
            Thread.sleep(50);
            if (i % 3 == 0) {
                register(http, origin);
                Thread.sleep(50);
            }
            startRun(http, project);
            Thread.sleep(50);
            if (i % 3 == 0) {
                snapshot(http, project);
                Thread.sleep(50);
                http.post().uri("/api/projects/" + project + "/rag/reindex").exchange().expectStatus().is2xxSuccessful();
                Thread.sleep(50);
            }
        }
        Thread.sleep(2000);
        return figures();
    }

    /** The figures, and the rate at which commands were answered (all of them, over the time they took). */
    private record LoadResult(Map<String, long[]> figures, double answeredPerSecond) {
    }

    /** {@code rate} commands/s on a fixed schedule for {@code seconds}. */
    private LoadResult load(RunningApp app, boolean viaHttp, WebClient client, WebTestClient http, String project,
                            Path origin, int rate, int seconds) throws Exception {
        latencies.clear();
        afterAppend.clear();
        handling.clear();
        AtomicLong answered = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long total = (long) rate * seconds;
        long t0 = System.nanoTime();
        long nextSlow = t0;
        for (long i = 0; i < total; i++) {
            long due = t0 + i * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Mono<String> command = viaHttp ? overHttp(client, i) : inProcess(app, i);
            command.subscribe(outcome -> {
                        if (outcome.startsWith("2")) {
                            answered.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            causes.computeIfAbsent(outcome.length() > 80 ? outcome.substring(0, 80) : outcome,
                                    c -> new AtomicLong()).incrementAndGet();
                        }
                    }, error -> {
                        failed.incrementAndGet();
                        causes.computeIfAbsent(error.getClass().getSimpleName(), c -> new AtomicLong()).incrementAndGet();
                    });
            if (System.nanoTime() >= nextSlow) {
                nextSlow += 1_000_000_000L;
                Thread slow = new Thread(() -> {
                    register(http, origin);
                    startRun(http, project);
                    snapshot(http, project);
                }, "read-model-bench-slow");
                slow.setDaemon(true);
                slow.start();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (answered.get() + failed.get() < total && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        double answeredPerSecond = answered.get() / ((System.nanoTime() - t0) / 1e9);
        Thread.sleep(3000);
        if (failed.get() > 0) {
            System.out.printf("  (%d of %d commands failed: %s)%n", failed.get(), total, causes);
            causes.clear();
        }
        return new LoadResult(figures(), answeredPerSecond);
    }

    /** The i-th command of the load through the HTTP API: its status, and the problem type if refused. */
    private static Mono<String> overHttp(WebClient client, long i) {
        WebClient.RequestHeadersSpec<?> request = switch ((int) (i % 3)) {
            case 0 -> client.post().uri("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("name", "bench-" + i, "preset", "mobile"));
            case 1 -> client.post().uri("/api/pairings").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("label", "bench-" + i));
            default -> client.put().uri("/api/secrets/bench-" + i).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("value", "v" + i));
        };
        return request.exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                .map(body -> response.statusCode().value() + (response.statusCode().is2xxSuccessful() ? ""
                        : " " + body.replaceAll(".*\"type\":\"([^\"]*)\".*", "$1"))));
    }

    /**
     * The same command through the service the HTTP handler calls (after authentication and validation): the
     * command bus, the aggregate, the event store, and the same wait for the read model where the API waits.
     */
    private static Mono<String> inProcess(RunningApp app, long i) {
        Mono<?> command = switch ((int) (i % 3)) {
            case 0 -> app.bean(TokenIssuance.class).issue("bench-" + i, Preset.MOBILE.abilities(), Preset.MOBILE,
                    null, "read-model-bench");
            case 1 -> app.bean(Pairings.class).issue("bench-" + i, "read-model-bench", "http://127.0.0.1");
            default -> app.bean(Secrets.class).set("bench-" + i, SecretValue.of("v" + i), "read-model-bench");
        };
        return command.thenReturn("200").onErrorResume(RejectedCommand.class,
                refused -> Mono.just("409 " + refused.getClass().getSimpleName()));
    }


    /** Per projection: p50, p99, count, and p50, p99 of the part after the command's append (µs). */
    private Map<String, long[]> figures() {
        Map<String, long[]> figures = new TreeMap<>();
        latencies.forEach((projection, list) -> {
            long[] sorted = sorted(list);
            long[] after = sorted(afterAppend.getOrDefault(projection, List.of()));
            long[] handled = sorted(handling.getOrDefault(projection, List.of()));
            if (sorted.length > 0) {
                figures.put(projection, new long[] {percentile(sorted, 50), percentile(sorted, 99), sorted.length,
                        percentile(after, 50), percentile(after, 99), percentile(handled, 50),
                        percentile(handled, 99)});
            }
        });
        dispatched.clear();
        committed.clear();
        afterAppend.clear();
        handling.clear();
        return figures;
    }

    private static long[] sorted(List<Long> list) {
        synchronized (list) {
            return list.stream().mapToLong(Long::longValue).sorted().toArray();
        }
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static String median(List<Map<String, long[]>> rounds, String projection, int index) {
        double[] values = rounds.stream().filter(r -> r.containsKey(projection))
                .mapToDouble(r -> r.get(projection)[index] / 1000.0).sorted().toArray();
        return values.length == 0 ? "–" : String.format("%.1f", values[values.length / 2]);
    }

    private static String spread(List<Map<String, long[]>> rounds, String projection) {
        double[] values = rounds.stream().filter(r -> r.containsKey(projection))
                .mapToDouble(r -> r.get(projection)[1] / 1000.0).sorted().toArray();
        return values.length == 0 ? "–" : String.format("%.1f–%.1f", values[0], values[values.length - 1]);
    }

    private static long count(List<Map<String, long[]>> rounds, String projection) {
        return rounds.stream().filter(r -> r.containsKey(projection)).mapToLong(r -> r.get(projection)[2]).sum();
    }

    private static void issueToken(WebTestClient http) {
        http.post().uri("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "idle-" + UUID.randomUUID(), "preset", "mobile"))
                .exchange().expectStatus().is2xxSuccessful();
    }

    private static void issuePairing(WebTestClient http) {
        http.post().uri("/api/pairings").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("label", "idle"))
                .exchange().expectStatus().is2xxSuccessful();
    }

    private static void setSecret(WebTestClient http) {
        http.put().uri("/api/secrets/idle-" + UUID.randomUUID().toString().substring(0, 8))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("value", "v"))
                .exchange().expectStatus().is2xxSuccessful();
    }

    private static void register(WebTestClient http, Path origin) {
        http.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "bench-" + UUID.randomUUID(), "localPath", origin.toString()))
                .exchange().expectStatus().isAccepted();
    }

    private static void startRun(WebTestClient http, String project) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("projectId", project);
        body.put("queue", "agents-default");
        body.put("provider", "script");
        body.put("model", "script");
        body.put("prompt", "say hi");
        http.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isAccepted().expectBody(JsonNode.class);
    }

    private static void snapshot(WebTestClient http, String project) {
        http.post().uri("/api/projects/" + project + "/snapshots").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of()).exchange().expectStatus().isAccepted();
    }
}
