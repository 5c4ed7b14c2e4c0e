package io.agentworkspace.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.RunningApp;
import io.agentworkspace.support.TestServices;

/**
 * Dispatch of agent runs on the production profile (MariaDB + Redis locks), script provider, in-process service
 * and driver. Two scenarios, each one warm-up round and 3 timed rounds (median of the rounds' figures):
 * <ul>
 * <li>idle: 20 runs one after another on one project: queued -> starting (the claim) and queued -> running
 * (claim, RunStarting, key-less provider start, RunStarted) per run, and the dispatcher's own time per claim
 * ({@code agent.runs.dispatch}: slot, Redis lock, BeginRun command, hand-off);</li>
 * <li>burst: 50 runs submitted at once on 50 projects, agents-default concurrency 50: the same latencies (they
 * now include waiting behind each other's claims) and the wall time until all 50 ended.</li>
 * </ul>
 * Latencies come from the runs read model's event times (queued_at, starting_at, started_at).
 *
 * Run: source .services/env, then java -cp ... io.agentworkspace.bench.RunDispatchBenchmark [burst]
 */
public final class RunDispatchBenchmark {

    private static final String SCRIPT = "say hello from the benchmark\nsleep 200\nsay done";

    public static void main(String[] args) throws Exception {
        int burst = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path root = Files.createTempDirectory("run-dispatch-bench");
        Path origin = GitRepositories.withCommits(root.resolve("origin"), 1).path();
        String database = TestServices.createDatabase();
        try (RunningApp app = RunningApp.start(database, root.resolve("data"), Map.of(
                "agent.runs.queues.agents-default.concurrency", burst,
                "agent.rag.index-on-clone", false,
                "logging.level.io.agentworkspace", "WARN"))) {
            WebTestClient http = app.http().mutate().responseTimeout(Duration.ofSeconds(60)).build();
            List<String> projects = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                projects.add(ProjectWorkspaces.registerAndClone(http, origin));
            }
            MeterRegistry meters = app.bean(MeterRegistry.class);
            HostCpu meter = new HostCpu(HostCpu.mariaDbPid());
            System.out.printf("Run dispatch benchmark: script provider, mysql profile (MariaDB + Redis), %d projects, "
                    + "%d cores%n", burst, Runtime.getRuntime().availableProcessors());
            System.out.println("| scenario | queued->starting p50 / p95 ms | queued->running p50 / p95 ms | "
                    + "claim (agent.runs.dispatch) mean ms | all ended s | CPU over the 3 rounds |");
            System.out.println("|---|---|---|---|---|---|");

            round(app, http, List.of(projects.get(0)), 20, true); // warm-up
            report("idle: 20 runs one after another", app, http, meters, meter, List.of(projects.get(0)), 20, true);
            round(app, http, projects, 1, false); // warm-up
            report("burst: " + burst + " runs at once, " + burst + " projects", app, http, meters, meter, projects, 1, false);
        }
    }

    private static void report(String scenario, RunningApp app, WebTestClient http, MeterRegistry meters,
                               HostCpu meter, List<String> projects, int perProject, boolean sequential) throws Exception {
        Timer claims = meters.get("agent.runs.dispatch").timer();
        long claimCount = claims.count();
        double claimTotal = claims.totalTime(TimeUnit.MILLISECONDS);
        HostCpu.Sample before = meter.sample();
        double[][] rounds = new double[3][];
        for (int r = 0; r < 3; r++) {
            rounds[r] = round(app, http, projects, perProject, sequential);
        }
        HostCpu.Sample after = meter.sample();
        double claimMean = (claims.totalTime(TimeUnit.MILLISECONDS) - claimTotal) / Math.max(1, claims.count() - claimCount);
        System.out.printf("| %s | %.0f / %.0f | %.0f / %.0f | %.1f | %.2f | %s |%n", scenario,
                median(rounds, 0), median(rounds, 1), median(rounds, 2), median(rounds, 3), claimMean,
                median(rounds, 4), HostCpu.describe(before, after).replace("server CPU", "MariaDB CPU")
                        .replace("driver JVM CPU", "service JVM CPU (incl. driver)"));
    }

    /** Runs the round; returns starting p50, p95, running p50, p95 (ms) and the seconds until all ended. */
    private static double[] round(RunningApp app, WebTestClient http, List<String> projects, int perProject,
                                  boolean sequential) throws Exception {
        long began = System.nanoTime();
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < perProject; i++) {
            for (String project : projects) {
                String runId = start(http, project);
                runs.add(runId);
                if (sequential) {
                    awaitEnded(app, List.of(runId));
                }
            }
        }
        awaitEnded(app, runs);
        double wall = (System.nanoTime() - began) / 1e9;
        List<double[]> latencies = new ArrayList<>();
        for (String runId : runs) {
            app.jdbc().query("SELECT queued_at, starting_at, started_at, state FROM runs WHERE id = ?", rs -> {
                if (!"succeeded".equals(rs.getString(4))) {
                    throw new IllegalStateException("run " + runId + " ended " + rs.getString(4));
                }
                Timestamp queued = rs.getTimestamp(1);
                latencies.add(new double[] {millisBetween(queued, rs.getTimestamp(2)), millisBetween(queued, rs.getTimestamp(3))});
            }, runId);
        }
        double[] starting = latencies.stream().mapToDouble(l -> l[0]).sorted().toArray();
        double[] running = latencies.stream().mapToDouble(l -> l[1]).sorted().toArray();
        return new double[] {percentile(starting, 50), percentile(starting, 95), percentile(running, 50),
                percentile(running, 95), wall};
    }

    private static String start(WebTestClient http, String projectId) {
        return http.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("projectId", projectId, "queue", "agents-default", "provider", "script",
                        "model", "script", "prompt", SCRIPT))
                .exchange().expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("id").asText();
    }

    private static void awaitEnded(RunningApp app, List<String> runs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        String marks = String.join(",", java.util.Collections.nCopies(runs.size(), "?"));
        while (System.nanoTime() < deadline) {
            Integer ended = app.jdbc().queryForObject("SELECT COUNT(*) FROM runs WHERE finished_at IS NOT NULL AND id IN ("
                    + marks + ")", Integer.class, runs.toArray());
            if (ended != null && ended == runs.size()) {
                return;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("runs did not end within 5 minutes");
    }

    private static double millisBetween(Timestamp from, Timestamp to) {
        return (to.toInstant().toEpochMilli() - from.toInstant().toEpochMilli())
                + (to.toInstant().getNano() % 1_000_000 - from.toInstant().getNano() % 1_000_000) / 1e6;
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double median(double[][] rounds, int index) {
        double[] values = {rounds[0][index], rounds[1][index], rounds[2][index]};
        Arrays.sort(values);
        return values[1];
    }
}
