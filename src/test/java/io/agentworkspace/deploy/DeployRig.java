package io.agentworkspace.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.agentworkspace.support.AppProcess;
import io.agentworkspace.support.LeakCanaries;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.NginxProcess;
import io.agentworkspace.support.Scripts;
import io.agentworkspace.support.SuiteSettings;
import io.agentworkspace.support.TestServices;

/**
 * An installation as deploy/ lays it out, on this machine: an app directory with two instance slots (run by
 * src/test/resources/deploy/slotctl.sh the way the systemd template runs them), one MariaDB database and Redis
 * shared by both, and a real nginx in front configured from deploy/nginx/agent-workspace.conf. Releases and
 * rollbacks go through deploy/release.sh and deploy/rollback.sh themselves.
 */
public final class DeployRig implements AutoCloseable {

    /** The script provider is a test and demo provider: enabled here, in this one place. */
    static final String SCRIPT_PROVIDER = "AGENT_RUNS_PROVIDERS_SCRIPT_ENABLED=true";
    static final String PUSHER_SECRET = LeakCanaries.register("deploy-rig-pusher-secret-" + java.util.UUID.randomUUID());
    private static final Path SLOTCTL = Path.of("src/test/resources/deploy/slotctl.sh").toAbsolutePath();

    public final Path app;
    public final String database;
    public final int proxyPort;
    private final Path nginxDir;
    private final NginxProcess nginx;
    private final Map<String, Integer> slotPorts = new HashMap<>();
    private final Map<String, Integer> managementPorts = new HashMap<>();
    private final List<Scripts.Started> held = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param slotJavaOptions JVM options of each slot (tests start with C1 only; benchmarks pass production ones)
     * @param settings        extra AGENT_* settings for both slots, e.g. the drain's grace
     */
    public DeployRig(Path app, String slotJavaOptions, Map<String, String> settings) throws Exception {
        this.app = app;
        this.database = TestServices.createDatabase();
        this.proxyPort = SuiteSettings.freePort();
        Files.createDirectories(app.resolve("shared/data"));
        StringBuilder shared = new StringBuilder()
                .append("AGENT_DB_HOST=").append(TestServices.mariaDb().host()).append('\n')
                .append("AGENT_DB_PORT=").append(TestServices.mariaDb().port()).append('\n')
                .append("AGENT_DB_NAME=").append(database).append('\n')
                .append("AGENT_DB_USER=").append(TestServices.mariaDbUser()).append('\n')
                .append("AGENT_DB_PASSWORD=").append(TestServices.mariaDbPassword()).append('\n')
                .append("AGENT_REDIS_HOST=").append(TestServices.redis().host()).append('\n')
                .append("AGENT_REDIS_PORT=").append(TestServices.redis().port()).append('\n')
                .append("AGENT_DATA_DIR=").append(app.resolve("shared/data")).append('\n')
                .append("AGENT_BIND_ADDRESS=127.0.0.1\n")
                .append("SERVER_FORWARD_HEADERS_STRATEGY=native\n")
                .append(SCRIPT_PROVIDER).append('\n')
                // the repositories the tests register are under the installation's directory
                .append("AGENT_PROJECTS_ALLOWEDLOCALROOTS=").append(app).append('\n')
                .append("SLOT_JAVA_OPTS=\"").append(slotJavaOptions).append("\"\n")
                .append("AGENT_JAVA=").append(Path.of(System.getProperty("java.home"), "bin", "java")).append('\n');
        settings.forEach((name, value) -> shared.append(name).append('=').append(value).append('\n'));
        Files.writeString(app.resolve("shared/agent-workspace.env"), shared);
        for (String slot : List.of("a", "b")) {
            int port = SuiteSettings.freePort();
            int managementPort = SuiteSettings.freePort();
            slotPorts.put(slot, port);
            managementPorts.put(slot, managementPort);
            Files.writeString(app.resolve("shared/slot-" + slot + ".env"), "AGENT_PORT=" + port
                    + "\nAGENT_MANAGEMENT_PORT=" + managementPort + "\nAGENT_RUNS_NODE_ID=rig-" + slot + "\n");
        }
        this.nginxDir = app.resolve("nginx");
        this.nginx = shippedNginx(nginxDir, proxyPort, slotPorts.get("a"));
    }

    /** The environment deploy/release.sh and deploy/rollback.sh get. */
    public Map<String, String> deployEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("AGENT_APP_DIR", app.toString());
        // the slots inherit these from release.sh: secrets the suite's leak scan looks for stay off the disk
        env.put("AGENT_MASTER_KEY", MySqlProfile.TEST_MASTER_KEY);
        env.put("AGENT_PUSHER_SECRET", PUSHER_SECRET);
        env.put("AGENT_SLOT_START", SLOTCTL + " start {slot}");
        env.put("AGENT_SLOT_STOP", SLOTCTL + " stop {slot}");
        env.put("AGENT_SLOT_RUNNING", SLOTCTL + " running {slot}");
        env.put("AGENT_NGINX_UPSTREAM", nginxDir.resolve("upstream.conf").toString());
        env.put("AGENT_NGINX_RELOAD", nginx.reloadCommand());
        env.put("AGENT_READY_TIMEOUT", "300");
        env.put("AGENT_DRAIN_TIMEOUT", "300");
        return env;
    }

    public Scripts.Result release(Path jar) throws Exception {
        return Scripts.run(List.of("deploy/release.sh", jar.toString()), deployEnvironment(), Duration.ofMinutes(15));
    }

    /**
     * A release whose slot start command returns only once {@code gate} exists: the new instance starts at once,
     * but release.sh goes on to its readiness check and the switch only when the test opens the gate.
     */
    public java.util.concurrent.CompletableFuture<Scripts.Result> releaseHeldAt(Path jar, Path gate) throws IOException {
        Map<String, String> env = deployEnvironment();
        env.put("AGENT_SLOT_START", SLOTCTL + " start {slot} && while [ ! -e " + gate + " ]; do sleep 0.1; done");
        Scripts.Started release = Scripts.start(List.of("deploy/release.sh", jar.toString()), env);
        held.add(release);
        java.util.concurrent.CompletableFuture<Scripts.Result> result = new java.util.concurrent.CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(release.await(Duration.ofMinutes(15)));
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        }, "release-sh");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** Whether the slot's own readiness probe (not through the proxy) says UP. */
    public boolean slotReady(String slot) {
        try {
            java.net.HttpURLConnection connection = (java.net.HttpURLConnection) java.net.URI.create(
                    "http://127.0.0.1:" + managementPorts.get(slot) + "/actuator/health/readiness").toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(5000);
            return connection.getResponseCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    public Scripts.Result rollback() throws Exception {
        return Scripts.run(List.of("deploy/rollback.sh"), deployEnvironment(), Duration.ofMinutes(15));
    }

    /** The packaged jar under another name: a release of its own. */
    public Path jarCopy(String name) throws IOException {
        Path copy = app.resolve("incoming").resolve(name + ".jar");
        Files.createDirectories(copy.getParent());
        Files.copy(AppProcess.jar(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return copy;
    }

    public String proxyUrl() {
        return "http://127.0.0.1:" + proxyPort;
    }

    public String liveSlot() throws IOException {
        return value(Files.readString(app.resolve("live")), "slot");
    }

    public String liveRelease() throws IOException {
        return value(Files.readString(app.resolve("live")), "release");
    }

    public String adminToken() {
        return io.agentworkspace.support.AdminToken.read(app.resolve("shared/data"));
    }

    public boolean slotRunning(String slot) throws Exception {
        return Scripts.run(List.of(SLOTCTL.toString(), "running", slot), Map.of("AGENT_APP_DIR", app.toString()),
                Duration.ofSeconds(10)).exitCode() == 0;
    }

    public String slotLog(String slot) throws IOException {
        Path log = app.resolve("logs/slot-" + slot + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static String value(String file, String key) {
        return file.lines().filter(line -> line.startsWith(key + "=")).map(line -> line.substring(key.length() + 1))
                .findFirst().orElse("");
    }

    /**
     * nginx on {@code port} with deploy/nginx/agent-workspace.conf as shipped, its upstream file in {@code dir}
     * naming {@code upstreamPort}.
     */
    static NginxProcess shippedNginx(Path dir, int port, int upstreamPort) throws Exception {
        String site = Files.readString(Path.of("deploy/nginx/agent-workspace.conf"), StandardCharsets.UTF_8)
                .replace("/etc/nginx/agent-workspace-upstream.conf", dir.resolve("upstream.conf").toString())
                .replace("listen 80;", "listen 127.0.0.1:" + port + ";");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("agent-workspace.conf"), site);
        Files.writeString(dir.resolve("upstream.conf"), "server 127.0.0.1:" + upstreamPort + " max_fails=0;\n");
        return NginxProcess.start(dir, port, 1, 4096, "", "include " + dir.resolve("agent-workspace.conf") + ";");
    }

    /** The slots' processes now (the live one, a starting or a draining one). */
    public List<Long> slotPids() {
        List<Long> pids = new java.util.ArrayList<>();
        for (String slot : List.of("a", "b")) {
            try {
                Path pidFile = app.resolve("run/slot-" + slot + ".pid");
                if (Files.exists(pidFile)) {
                    long pid = Long.parseLong(Files.readString(pidFile).strip());
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        pids.add(pid);
                    }
                }
            } catch (IOException | NumberFormatException rewritten) {
                // the slot is being started: the next poll sees it
            }
        }
        return pids;
    }

    @Override
    public void close() throws Exception {
        // a test that failed before opening the gate leaves its release waiting for it
        for (Scripts.Started release : held) {
            release.close();
        }
        for (String slot : List.of("a", "b")) {
            Path pidFile = app.resolve("run/slot-" + slot + ".pid");
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                ProcessHandle.of(pid).ifPresent(process -> {
                    process.destroy();
                    try {
                        process.onExit().get(60, TimeUnit.SECONDS);
                    } catch (Exception slow) {
                        process.destroyForcibly();
                    }
                });
            }
        }
        nginx.close();
    }

}
