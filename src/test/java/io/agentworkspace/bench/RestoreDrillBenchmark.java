package io.agentworkspace.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.agentworkspace.support.AppProcess;
import io.agentworkspace.support.BulkEvents;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.Scripts;
import io.agentworkspace.support.StandaloneEventStore;
import io.agentworkspace.support.TestServices;

/**
 * What a restore drill costs per million events: a MariaDB installation with {@code events} events (token issuances:
 * the api-tokens read model holds one row per event, and it is rebuildable), its projections and chain built by the
 * service itself, backed up with deploy/backup.sh and drilled with deploy/restore-drill.sh. Reports backup,
 * restore, table comparison, chain verification, rebuilds and service start separately, minutes per million events
 * for restore + verify + rebuild, and the host's load while it ran.
 *
 * Run: deploy/dev/bench.sh RestoreDrillBenchmark [events]  (needs target/agent-workspace-*.jar)
 */
public final class RestoreDrillBenchmark {

    private static final List<String> JVM = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        String database = TestServices.createDatabase();
        Path dir = Files.createTempDirectory("restore-drill-bench");
        Path data = Files.createDirectories(dir.resolve("data"));
        try (StandaloneEventStore store = new StandaloneEventStore(database)) {
            long seeded = System.nanoTime();
            BulkEvents bulk = store.bulk();
            for (int done = 0; done < events; done += 10_000) {
                bulk.issueTokens(Math.min(10_000, events - done), 1000);
            }
            System.out.printf("Restore drill benchmark: %d events seeded in %.1f s%n", events, (System.nanoTime() - seeded) / 1e9);
            long built = System.nanoTime();
            try (AppProcess app = AppProcess.start(JVM, data, "mysql", properties(database), Duration.ofMinutes(5))) {
                while (store.jdbc().queryForObject("SELECT chain_seq FROM event_chain_head", Long.class) < events
                        || store.jdbc().queryForObject("SELECT COUNT(*) FROM api_tokens", Long.class) < events) {
                    Thread.sleep(1000);
                }
            }
            System.out.printf("projections and chain built by the service in %.1f s%n", (System.nanoTime() - built) / 1e9);

            Map<String, String> env = new HashMap<>(Scripts.database(database));
            env.putAll(Map.of("AGENT_DATA_DIR", data.toString(), "AGENT_JAR", AppProcess.jar().toAbsolutePath().toString(),
                    "AGENT_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "AGENT_JAVA_OPTS", String.join(" ", JVM), "AGENT_MASTER_KEY", MySqlProfile.TEST_MASTER_KEY,
                    "AGENT_DRILL_PORT", Integer.toString(freePort()), "AGENT_DRILL_MANAGEMENT_PORT", Integer.toString(freePort())));
            HostCpu cpu = new HostCpu(HostCpu.mariaDbPid());
            String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
            HostCpu.Sample start = cpu.sample();
            long backupStarted = System.nanoTime();
            Scripts.Result backup = Scripts.run(List.of("deploy/backup.sh", dir.resolve("backups").toString()), env,
                    Duration.ofHours(1));
            double backupSeconds = (System.nanoTime() - backupStarted) / 1e9;
            if (backup.exitCode() != 0) {
                throw new IllegalStateException(backup.output());
            }
            long drillStarted = System.nanoTime();
            Scripts.Result drill = Scripts.run(List.of("deploy/restore-drill.sh", backup.lastLine()), env, Duration.ofHours(2));
            double drillSeconds = (System.nanoTime() - drillStarted) / 1e9;
            HostCpu.Sample end = cpu.sample();
            System.out.println(drill.output());
            if (drill.exitCode() != 0) {
                throw new IllegalStateException("the drill failed");
            }
            double restore = seconds(drill.output(), "ok   restore: .* in ([0-9.]+) s");
            double tables = seconds(drill.output(), "ok   tables: .* in ([0-9.]+) s");
            double chain = seconds(drill.output(), "ok   chain: .* in ([0-9]+) ms") / 1000;
            double rebuilds = 0;
            Matcher rebuild = Pattern.compile("ok   rebuild [a-z-]+: .* in ([0-9]+) ms").matcher(drill.output());
            while (rebuild.find()) {
                rebuilds += Double.parseDouble(rebuild.group(1)) / 1000;
            }
            double start1 = seconds(drill.output(), "ok   service: ready on the restored copy ([0-9.]+) s");
            double perMillion = (restore + chain + rebuilds) / events * 1_000_000 / 60;
            long dumpBytes = Files.size(Path.of(backup.lastLine() + ".sql.gz"));
            System.out.println("| events | dump (gz) | backup s | restore s | tables compared s | chain verified s | rebuilds s | service ready s | drill total s | min per 1M events (restore + verify + rebuild) |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            System.out.printf("| %d | %.0f MB | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", events,
                    dumpBytes / 1e6, backupSeconds, restore, tables, chain, rebuilds, start1, drillSeconds, perMillion);
            System.out.printf("host: %s; load average before %s, after %s%n", HostCpu.describe(start, end), loadBefore,
                    Files.readString(Path.of("/proc/loadavg")).strip());
        } finally {
            TestServices.execute("DROP DATABASE " + database);
        }
    }

    private static double seconds(String output, String pattern) {
        Matcher matcher = Pattern.compile("(?m)" + pattern).matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("no '" + pattern + "' in the drill's output");
        }
        return Double.parseDouble(matcher.group(1));
    }

    private static Map<String, Object> properties(String database) {
        Map<String, Object> properties = HistoryBenchmark.properties(database);
        properties.put("agent.auth.bootstrap-admin-token", "false");
        return properties;
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
