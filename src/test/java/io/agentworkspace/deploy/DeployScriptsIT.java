package io.agentworkspace.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.agentworkspace.support.TestServices;

/**
 * The ops scripts in deploy/ run for real: an atomic release that goes live when the new release reports ready
 * and rolls back by itself when it does not, retention, manual rollback, and a backup restored into an empty
 * database on the real MariaDB.
 */
class DeployScriptsIT {

    @TempDir
    Path work;

    private HttpServer readiness;
    private Path app;

    /** Stands in for the service: ready exactly when the live release's jar says "good". */
    @BeforeEach
    void startReadinessProbe() throws IOException {
        app = work.resolve("app");
        readiness = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        readiness.createContext("/ready", exchange -> {
            Path jar = app.resolve("current/agent-workspace.jar");
            boolean good = Files.exists(jar) && Files.readString(jar).startsWith("good");
            byte[] body = (good ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(good ? 200 : 503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        readiness.start();
    }

    @AfterEach
    void stopReadinessProbe() {
        readiness.stop(0);
    }

    @Test
    void releasesGoLiveAtomicallyAndABadOneRollsBackByItself() throws Exception {
        Path good1 = jar("good-1");
        Path good2 = jar("good-2");
        Path bad = jar("bad-3");

        assertThat(release(good1).exitCode()).isZero();
        String first = live();
        Thread.sleep(1100);
        assertThat(release(good2).exitCode()).isZero();
        String second = live();
        assertThat(second).isNotEqualTo(first);
        assertThat(Files.readString(app.resolve("current/agent-workspace.jar"))).isEqualTo("good-2");

        Thread.sleep(1100);
        Result failed = release(bad);
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.output()).contains("rolling back");
        assertThat(live()).as("rolled back to the previous release").isEqualTo(second);
        assertThat(Files.isSymbolicLink(app.resolve("current"))).isTrue();
        assertThat(Files.exists(app.resolve("current.next"))).isFalse();
        assertThat(Files.readString(app.resolve("restarts.log")).lines()).hasSize(4);

        Result back = run(List.of("deploy/rollback.sh", app.toString()), env());
        assertThat(back.exitCode()).isZero();
        assertThat(live()).isNotEqualTo(second);
    }

    @Test
    void onlyTheNewestReleasesAreKept() throws Exception {
        for (int i = 1; i <= 4; i++) {
            assertThat(release(jar("good-" + i)).exitCode()).isZero();
            Thread.sleep(1100);
        }
        try (Stream<Path> releases = Files.list(app.resolve("releases"))) {
            assertThat(releases.count()).isEqualTo(2);
        }
        assertThat(Files.readString(app.resolve("current/agent-workspace.jar"))).isEqualTo("good-4");
    }

    @Test
    void aBackupRestoresIntoAnEmptyDatabase() throws Exception {
        String database = TestServices.createDatabase();
        TestServices.execute("CREATE TABLE " + database + ".sample (id INT PRIMARY KEY, payload LONGBLOB)");
        TestServices.execute("INSERT INTO " + database + ".sample VALUES (1, X'00FF10')");
        Path data = work.resolve("data");
        Files.createDirectories(data.resolve("workspaces/p1"));
        Files.writeString(data.resolve("workspaces/p1/README.md"), "hello");
        Files.writeString(data.resolve("master.key"), "never-in-a-backup");

        Map<String, String> env = Map.of("AGENT_DB_HOST", TestServices.mariaDb().host(),
                "AGENT_DB_PORT", Integer.toString(TestServices.mariaDb().port()), "AGENT_DB_USER", TestServices.mariaDbUser(),
                "AGENT_DB_PASSWORD", TestServices.mariaDbPassword(), "AGENT_DB_NAME", database,
                "AGENT_DATA_DIR", data.toString());
        Result backup = run(List.of("deploy/backup.sh", work.resolve("backups").toString()), env);
        assertThat(backup.exitCode()).as(backup.output()).isZero();
        String base = backup.output().lines().reduce((a, b) -> b).orElseThrow().strip();

        TestServices.execute("DROP DATABASE " + database);
        Path restored = work.resolve("restored");
        Map<String, String> restoreEnv = new java.util.HashMap<>(env);
        restoreEnv.put("AGENT_DATA_DIR", restored.toString());
        Result restore = run(List.of("deploy/restore.sh", base), restoreEnv);
        assertThat(restore.exitCode()).as(restore.output()).isZero();

        try (var connection = java.sql.DriverManager.getConnection(TestServices.jdbcUrl(database),
                TestServices.mariaDbUser(), TestServices.mariaDbPassword());
             var rows = connection.createStatement().executeQuery("SELECT HEX(payload) FROM sample WHERE id = 1")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("00FF10");
        }
        assertThat(restored.resolve("workspaces/p1/README.md")).hasContent("hello");
        assertThat(restored.resolve("master.key")).doesNotExist();
    }

    private record Result(int exitCode, String output) {
    }

    private Result release(Path jar) throws Exception {
        return run(List.of("deploy/release.sh", jar.toString(), app.toString()), env());
    }

    private Map<String, String> env() {
        return Map.of("AGENT_RESTART_CMD", "echo restart >> " + app.resolve("restarts.log"),
                "AGENT_READY_URL", "http://127.0.0.1:" + readiness.getAddress().getPort() + "/ready",
                "AGENT_READY_TIMEOUT", "3", "AGENT_KEEP_RELEASES", "2");
    }

    private String live() throws IOException {
        return Files.readSymbolicLink(app.resolve("current")).getFileName().toString();
    }

    private Path jar(String content) throws IOException {
        Path jar = work.resolve(content + ".jar");
        Files.writeString(jar, content);
        return jar;
    }

    private static Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
