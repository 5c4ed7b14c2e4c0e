package io.agentworkspace.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.agentworkspace.deploy.DeployRig;
import io.agentworkspace.deploy.RequestLoad;
import io.agentworkspace.support.Scripts;

/**
 * How long a zero-downtime deploy takes: seconds from deploy/release.sh's start to the new release serving (ready,
 * proxy switched) and to the old one gone (drained and exited), for {@code deploys} deploys in a row (median and
 * spread), each under a paced client of {@code rate} requests/s through nginx (reads and run submissions), with the
 * request rate achieved and the failures during each deploy. Slots run with production JVM options.
 *
 * Run: deploy/dev/bench.sh DeployBenchmark [deploys] [rate]  (needs target/agent-workspace-*.jar)
 */
public final class DeployBenchmark {

    private static final Pattern TIMINGS = Pattern.compile(
            "ready ([0-9.]+) s, serving ([0-9.]+) s \\(switch ([0-9.]+) s\\), old release gone ([0-9.]+) s");

    public static void main(String[] args) throws Exception {
        int deploys = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Path app = Files.createTempDirectory("deploy-bench");
        try (DeployRig rig = new DeployRig(app, "-Xms512m -Xmx1g -XX:+UseG1GC", Map.of())) {
            Scripts.Result first = rig.release(rig.jarCopy("release-0"));
            if (first.exitCode() != 0) {
                throw new IllegalStateException(first.output());
            }
            String project = registerProject(rig);
            System.out.printf("Deploy benchmark: %d deploys under %d requests/s through nginx (1 in 50 a run submission)%n",
                    deploys, rate);
            System.out.println("| deploy | ready s | serving s | switch s | old gone s | requests/s | requests | failed | slowest ms | host |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            List<double[]> figures = new ArrayList<>();
            // the server is both slots: the live one until it has drained, the new one from its start
            HostCpu cpu = HostCpu.following(rig::slotPids);
            try (RequestLoad load = new RequestLoad(rig.proxyUrl(), rig.adminToken(), project, 50)) {
                load.start(rate);
                Thread.sleep(20_000); // warm the live release and the client
                for (int i = 1; i <= deploys; i++) {
                    load.phase("deploy-" + i);
                    HostCpu.Sample before = cpu.sample();
                    Scripts.Result deploy = rig.release(rig.jarCopy("release-" + i));
                    HostCpu.Sample after = cpu.sample();
                    load.phase("between-" + i);
                    Matcher timings = TIMINGS.matcher(deploy.output());
                    if (deploy.exitCode() != 0 || !timings.find()) {
                        throw new IllegalStateException("deploy " + i + " failed:\n" + deploy.output());
                    }
                    RequestLoad.Phase phase = load.report("deploy-" + i);
                    double[] row = {Double.parseDouble(timings.group(1)), Double.parseDouble(timings.group(2)),
                            Double.parseDouble(timings.group(3)), Double.parseDouble(timings.group(4)), phase.rate(),
                            phase.sent(), phase.failures().size()};
                    figures.add(row);
                    System.out.printf("| %d | %.1f | %.1f | %.1f | %.1f | %.0f | %d | %d | %d | %s, load %s |%n", i, row[0],
                            row[1], row[2], row[3], row[4], phase.sent(), phase.failures().size(), phase.slowestMillis(),
                            HostCpu.describe(before, after),
                            Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
                    phase.failures().stream().limit(5).forEach(failure -> System.out.println("  failed: " + failure));
                    Thread.sleep(10_000);
                }
            }
            System.out.printf("median: serving %.1f s (%.1f–%.1f), old gone %.1f s (%.1f–%.1f), switch %.1f s; failed requests %d%n",
                    median(figures, 1), min(figures, 1), max(figures, 1), median(figures, 3), min(figures, 3),
                    max(figures, 3), median(figures, 2), figures.stream().mapToLong(row -> (long) row[6]).sum());
        }
    }

    private static String registerProject(DeployRig rig) throws Exception {
        Path origin = io.agentworkspace.support.GitRepositories.withCommits(rig.app.resolve("origin"), 1).path();
        var http = io.agentworkspace.support.AdminToken.authorize(org.springframework.test.web.reactive.server.WebTestClient
                .bindToServer().baseUrl(rig.proxyUrl()).responseTimeout(java.time.Duration.ofSeconds(30)).build(),
                rig.adminToken());
        return io.agentworkspace.support.ProjectWorkspaces.registerAndClone(http, origin);
    }

    private static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(row -> row[column]).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2] : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private static double min(List<double[]> rows, int column) {
        return rows.stream().mapToDouble(row -> row[column]).min().orElse(Double.NaN);
    }

    private static double max(List<double[]> rows, int column) {
        return rows.stream().mapToDouble(row -> row[column]).max().orElse(Double.NaN);
    }
}
