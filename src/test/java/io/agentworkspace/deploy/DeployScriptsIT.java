package io.agentworkspace.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.agentworkspace.support.NginxProcess;
import io.agentworkspace.support.Scripts;
import io.agentworkspace.support.Scripts.Result;
import io.agentworkspace.support.SuiteSettings;
import io.agentworkspace.support.TestServices;

/**
 * The ops scripts in deploy/ run for real, around stand-ins for the service: a release goes live on the idle slot
 * only once that slot reports ready and the proxy is switched to it, the old slot is stopped (drained) after the
 * switch, a release that is not ready never reaches the proxy, rollback returns to the release live before the last
 * successful release (never the failed one), retention keeps what a rollback needs, the LiteSpeed switch rewrites
 * its address line, the shipped proxy configurations never pass a client's trace context on, and a backup restores
 * into an empty database on the real MariaDB.
 */
class DeployScriptsIT {

    @TempDir
    Path work;

    /** UntrustedTraceContext's headers: W3C trace context and baggage, B3 in its single and multi header forms. */
    private static final List<String> TRACE_CONTEXT = List.of("traceparent", "tracestate", "baggage", "b3",
            "X-B3-TraceId", "X-B3-SpanId", "X-B3-ParentSpanId", "X-B3-Sampled", "X-B3-Flags");

    private final Map<String, HttpServer> slots = new HashMap<>();
    private Path app;

    /** Stands in for each slot's service: ready exactly when the release the slot runs says "good". */
    @BeforeEach
    void startSlots() throws IOException {
        app = work.resolve("app");
        Files.createDirectories(app.resolve("shared"));
        Files.createDirectories(app.resolve("run"));
        Path proxySwitch = work.resolve("proxy-switch.sh");
        Files.writeString(proxySwitch, "#!/bin/sh\necho \"$1\" >> " + app.resolve("switches.log") + "\n");
        proxySwitch.toFile().setExecutable(true);
        for (String slot : List.of("a", "b")) {
            HttpServer readiness = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            readiness.createContext("/actuator/health/readiness", exchange -> {
                Path jar = app.resolve("slots/" + slot + "/agent-workspace.jar");
                boolean running = Files.exists(app.resolve("run/" + slot));
                boolean good = running && Files.exists(jar) && Files.readString(jar).startsWith("good");
                byte[] body = (good ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(good ? 200 : 503, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            readiness.start();
            slots.put(slot, readiness);
            Files.writeString(app.resolve("shared/slot-" + slot + ".env"),
                    "AGENT_PORT=" + readiness.getAddress().getPort() + "\nAGENT_RUNS_NODE_ID=test-" + slot + "\n");
        }
    }

    @AfterEach
    void stopSlots() {
        slots.values().forEach(server -> server.stop(0));
    }

    @Test
    void releasesGoLiveThroughTheIdleSlotAndABadOneNeverReachesTheProxy() throws Exception {
        Result initial = release(jar("good-1"));
        assertThat(initial.exitCode()).as(initial.output()).isZero();
        String first = live();
        assertThat(liveSlot()).isEqualTo("a");
        Thread.sleep(1100);
        Result second = release(jar("good-2"));
        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(second.output()).containsPattern("the proxy switch took [0-9.]+ s")
                .containsPattern("release [0-9]+: ready [0-9.]+ s, serving [0-9.]+ s \\(switch [0-9.]+ s\\), old release gone [0-9.]+ s");
        String good2 = live();
        assertThat(good2).isNotEqualTo(first);
        assertThat(liveSlot()).isEqualTo("b");
        assertThat(Files.readString(app.resolve("current/agent-workspace.jar"))).isEqualTo("good-2");
        assertThat(Files.exists(app.resolve("run/a"))).as("the old slot was stopped").isFalse();
        assertThat(Files.readAllLines(app.resolve("switches.log")))
                .containsExactly(port("a"), port("b"));
        List<String> slotLog = Files.readAllLines(app.resolve("slots.log"));
        assertThat(slotLog).containsExactly("start a", "start b", "stop a");

        Thread.sleep(1100);
        Result failed = release(jar("bad-3"));
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.output()).contains("did not become ready: rolled back automatically, " + good2 + " stays live on slot b");
        assertThat(live()).as("the live release stays").isEqualTo(good2);
        assertThat(Files.readAllLines(app.resolve("switches.log"))).as("the proxy never saw the bad release").hasSize(2);
        assertThat(Files.exists(app.resolve("run/a"))).as("the bad release was stopped").isFalse();
        assertThat(Files.isSymbolicLink(app.resolve("current"))).isTrue();
        assertThat(Files.exists(app.resolve("current.next"))).isFalse();
        assertThat(Files.readString(app.resolve("deploys.log"))).contains("outcome=failed-readiness from=" + good2);

        Result back = run(List.of("deploy/rollback.sh", app.toString()), env());
        assertThat(back.exitCode()).as(back.output()).isZero();
        assertThat(live()).as("the release live before the last successful release").isEqualTo(first);
        assertThat(Files.readString(app.resolve("current/agent-workspace.jar"))).isEqualTo("good-1");
        assertThat(liveSlot()).isEqualTo("a");
        assertThat(Files.exists(app.resolve("run/b"))).isFalse();
        Result again = run(List.of("deploy/rollback.sh", app.toString()), env());
        assertThat(again.exitCode()).isZero();
        assertThat(again.output()).contains("is already live");
        assertThat(live()).isEqualTo(first);
    }

    @Test
    void onlyTheNewestReleasesAreKeptAndNeverTheRollbackTarget() throws Exception {
        for (int i = 1; i <= 4; i++) {
            Result released = release(jar("good-" + i));
            assertThat(released.exitCode()).as(released.output()).isZero();
            Thread.sleep(1100);
        }
        try (Stream<Path> releases = Files.list(app.resolve("releases"))) {
            // the two newest: they are also what the slots run and what a rollback returns to
            assertThat(releases.count()).isEqualTo(2);
        }
        assertThat(Files.readString(app.resolve("current/agent-workspace.jar"))).isEqualTo("good-4");
        Result back = run(List.of("deploy/rollback.sh", app.toString()), env());
        assertThat(back.exitCode()).as(back.output()).isZero();
        assertThat(Files.readString(app.resolve("current/agent-workspace.jar"))).isEqualTo("good-3");
    }

    @Test
    void theLiteSpeedSwitchRewritesItsAddressLineAndReloads() throws Exception {
        Path vhost = work.resolve("vhconf.conf");
        Files.copy(Path.of("deploy/lsws/agent-workspace-vhost.conf"), vhost);
        Result switched = run(List.of("deploy/lsws/switch-upstream.sh", "8082"), Map.of("AGENT_LSWS_VHOST_CONF",
                vhost.toString(), "AGENT_LSWS_RELOAD", "echo reloaded"));
        assertThat(switched.exitCode()).as(switched.output()).isZero();
        assertThat(switched.output()).contains("reloaded");
        List<String> before = Files.readAllLines(Path.of("deploy/lsws/agent-workspace-vhost.conf"));
        List<String> after = Files.readAllLines(vhost);
        assertThat(after).hasSameSizeAs(before).contains("  address                 127.0.0.1:8082")
                .doesNotContain("  address                 127.0.0.1:8081");
        assertThat(run(List.of("deploy/lsws/switch-upstream.sh", "80; rm -rf /"), Map.of("AGENT_LSWS_VHOST_CONF",
                vhost.toString(), "AGENT_LSWS_RELOAD", "echo reloaded")).exitCode()).isEqualTo(2);
    }

    @Test
    void theLiteSpeedSwitchFailsAndChangesNothingWhenThereIsNoAddressLineToRewrite() throws Exception {
        Path vhost = work.resolve("vhconf.conf");
        String original = Files.readString(Path.of("deploy/lsws/agent-workspace-vhost.conf"));
        for (String broken : List.of(
                original.replace("  address                 127.0.0.1:8081", "  address                 localhost:8081"),
                original.replace("  address                 127.0.0.1:8081\n", ""))) {
            assertThat(broken).isNotEqualTo(original);
            Files.writeString(vhost, broken);
            Result switched = run(List.of("deploy/lsws/switch-upstream.sh", "8082"), Map.of("AGENT_LSWS_VHOST_CONF",
                    vhost.toString(), "AGENT_LSWS_RELOAD", "echo reloaded"));
            assertThat(switched.exitCode()).as(switched.output()).isEqualTo(2);
            assertThat(switched.output()).contains("nothing switched").doesNotContain("reloaded");
            assertThat(vhost).hasContent(broken);
            assertThat(work.resolve("vhconf.conf.next")).doesNotExist();
        }
    }

    @Test
    void aFailedProxyReloadPutsThePreviousConfigurationBackWithItsOwnerAndMode() throws Exception {
        Path upstream = work.resolve("upstream.conf");
        Files.writeString(upstream, "server 127.0.0.1:8081 max_fails=0;\n");
        Files.setPosixFilePermissions(upstream, PosixFilePermissions.fromString("rw-r-----"));
        Result refused = run(List.of("deploy/nginx/switch-upstream.sh", "8082"), Map.of("AGENT_NGINX_UPSTREAM",
                upstream.toString(), "AGENT_NGINX_RELOAD", "echo reloading; false"));
        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).contains("reloading", "the reload failed");
        assertThat(upstream).hasContent("server 127.0.0.1:8081 max_fails=0;\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(upstream))).isEqualTo("rw-r-----");
        assertThat(Files.getOwner(upstream)).isEqualTo(Files.getOwner(work));
        try (Stream<Path> files = Files.list(work)) {
            assertThat(files.map(file -> file.getFileName().toString())).doesNotContain("upstream.conf.next",
                    "upstream.conf.previous");
        }
        Result switched = run(List.of("deploy/nginx/switch-upstream.sh", "8082"), Map.of("AGENT_NGINX_UPSTREAM",
                upstream.toString(), "AGENT_NGINX_RELOAD", "true"));
        assertThat(switched.exitCode()).as(switched.output()).isZero();
        assertThat(upstream).hasContent("server 127.0.0.1:8082 max_fails=0;\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(upstream))).as("the mode stays")
                .isEqualTo("rw-r-----");

        Path vhost = work.resolve("vhconf.conf");
        Files.copy(Path.of("deploy/lsws/agent-workspace-vhost.conf"), vhost);
        Files.setPosixFilePermissions(vhost, PosixFilePermissions.fromString("rw-------"));
        Result lsws = run(List.of("deploy/lsws/switch-upstream.sh", "8082"), Map.of("AGENT_LSWS_VHOST_CONF",
                vhost.toString(), "AGENT_LSWS_RELOAD", "exit 3"));
        assertThat(lsws.exitCode()).as(lsws.output()).isEqualTo(1);
        assertThat(vhost).hasSameTextualContentAs(Path.of("deploy/lsws/agent-workspace-vhost.conf"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(vhost))).isEqualTo("rw-------");
    }

    /** The proxy's address may be listed in agent.observability.trace-context-from: it must not pass a client's on. */
    @Test
    void theShippedProxiesDropTheClientsTraceContextInEveryProxiedLocation() throws Exception {
        Map<String, Headers> received = new ConcurrentHashMap<>();
        HttpServer service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/", exchange -> {
            received.put(exchange.getRequestURI().getPath(), exchange.getRequestHeaders());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        service.start();
        try (NginxProcess nginx = DeployRig.shippedNginx(work.resolve("nginx"), SuiteSettings.freePort(),
                service.getAddress().getPort())) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (String path : List.of("/app/key", "/api/runs")) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(nginx.baseUrl() + path));
                TRACE_CONTEXT.forEach(name -> request.header(name, "1"));
                assertThat(client.send(request.build(), BodyHandlers.discarding()).statusCode()).isEqualTo(204);
                assertThat(received.get(path)).as(path).containsKey("X-forwarded-for")
                        .doesNotContainKeys(TRACE_CONTEXT.toArray(String[]::new));
            }
        } finally {
            service.stop(0);
        }

        String vhost = Files.readString(Path.of("deploy/lsws/agent-workspace-vhost.conf"));
        List<String> proxied = Stream.of(vhost.split("\ncontext ")).filter(context -> context.contains(
                "handler                 agentWorkspace")).toList();
        assertThat(proxied).hasSize(2).allSatisfy(context -> assertThat(context.lines()).containsAll(
                TRACE_CONTEXT.stream().map(name -> "RequestHeader unset " + name).toList()));
    }

    @Test
    void aStepThatFailsInsideTheActivationStopsTheRelease() throws Exception {
        Files.writeString(app.resolve("logs"), "a file where the logs directory belongs");
        Result released = release(jar("good-1"));
        assertThat(released.exitCode()).as(released.output()).isNotZero();
        assertThat(released.output()).contains("mkdir").contains("stopped:");
        assertThat(app.resolve("slots.log")).as("nothing was started").doesNotExist();
        assertThat(app.resolve("switches.log")).as("the proxy was not touched").doesNotExist();
        assertThat(app.resolve("live")).doesNotExist();
    }

    @Test
    void aSlotFileWithoutAPortIsRefusedBeforeAnythingIsCopied() throws Exception {
        Files.writeString(app.resolve("shared/slot-a.env"), "AGENT_RUNS_NODE_ID=test-a\n");
        Result released = release(jar("good-1"));
        assertThat(released.exitCode()).as(released.output()).isEqualTo(2);
        assertThat(released.output()).contains("no AGENT_PORT in " + app.resolve("shared/slot-a.env"));
        assertNothingHappened();
    }

    @Test
    void twoSlotsOnOnePortAreRefusedBeforeAnythingIsCopied() throws Exception {
        Files.writeString(app.resolve("shared/slot-b.env"), "AGENT_PORT=" + port("a") + "\nAGENT_RUNS_NODE_ID=test-b\n");
        Result released = release(jar("good-1"));
        assertThat(released.exitCode()).as(released.output()).isEqualTo(2);
        assertThat(released.output()).contains("AGENT_PORT=" + port("a") + " of slot b is also slot-a:AGENT_PORT");
        assertNothingHappened();
        Files.writeString(app.resolve("shared/slot-b.env"), "AGENT_PORT=" + port("b") + "\nAGENT_MANAGEMENT_PORT="
                + port("a") + "\n");
        Result management = release(jar("good-1"));
        assertThat(management.exitCode()).as(management.output()).isEqualTo(2);
        assertThat(management.output()).contains("AGENT_MANAGEMENT_PORT=" + port("a") + " of slot b is also");
        Result rollback = run(List.of("deploy/rollback.sh", app.toString()), env());
        assertThat(rollback.exitCode()).as(rollback.output()).isEqualTo(2);
        assertNothingHappened();
    }

    @Test
    void aRelativeAppDirectoryIsRefusedBeforeAnythingIsCopied() throws Exception {
        String relative = Path.of("").toAbsolutePath().relativize(app).toString();
        assertThat(Path.of(relative).isAbsolute()).isFalse();
        Result released = run(List.of("deploy/release.sh", jar("good-1").toString(), relative), env());
        assertThat(released.exitCode()).as(released.output()).isEqualTo(2);
        assertThat(released.output()).contains("the app directory must be an absolute path, not '" + relative + "'");
        assertNothingHappened();
    }

    private void assertNothingHappened() {
        assertThat(app.resolve("releases")).as("no release copied").doesNotExist();
        assertThat(app.resolve("slots.log")).as("nothing started").doesNotExist();
        assertThat(app.resolve("switches.log")).as("the proxy untouched").doesNotExist();
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

        Map<String, String> env = new java.util.HashMap<>(Scripts.database(database));
        env.put("AGENT_DATA_DIR", data.toString());
        Result backup = run(List.of("deploy/backup.sh", work.resolve("backups").toString()), env);
        assertThat(backup.exitCode()).as(backup.output()).isZero();
        String base = backup.lastLine();

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

    private Result release(Path jar) throws Exception {
        return run(List.of("deploy/release.sh", jar.toString(), app.toString()), env());
    }

    private Map<String, String> env() {
        return Map.of("AGENT_SLOT_START", "echo start {slot} >> " + app.resolve("slots.log") + "; touch " + app.resolve("run/{slot}"),
                "AGENT_SLOT_STOP", "echo stop {slot} >> " + app.resolve("slots.log") + "; rm -f " + app.resolve("run/{slot}"),
                "AGENT_SLOT_RUNNING", "[ -e " + app.resolve("run/{slot}") + " ]",
                "AGENT_PROXY_SWITCH", work.resolve("proxy-switch.sh").toString(),
                "AGENT_READY_TIMEOUT", "3", "AGENT_KEEP_RELEASES", "2");
    }

    private String live() throws IOException {
        return Files.readSymbolicLink(app.resolve("current")).getFileName().toString();
    }

    private String liveSlot() throws IOException {
        return Files.readAllLines(app.resolve("live")).get(0).substring("slot=".length());
    }

    private String port(String slot) {
        return Integer.toString(slots.get(slot).getAddress().getPort());
    }

    private Path jar(String content) throws IOException {
        Path jar = work.resolve(content + ".jar");
        Files.writeString(jar, content);
        return jar;
    }

    private static Result run(List<String> command, Map<String, String> env) throws Exception {
        return Scripts.run(command, env, java.time.Duration.ofSeconds(120));
    }
}
