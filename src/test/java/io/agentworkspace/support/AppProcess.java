package io.agentworkspace.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged application ({@code target/agent-workspace-*.jar}, built by {@code mvn package} before the
 * integration tests run) as a separate process on a random loopback port: for tests that must kill it for real.
 * Its output goes to a log file beside its data directory.
 */
public final class AppProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final int managementPort;
    private final Path log;

    private AppProcess(Process process, int port, int managementPort, Path log) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    public static Path jar() {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(file -> file.getFileName().toString().matches("agent-workspace-.*\\.jar"))
                    .filter(file -> !file.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException(
                            "no packaged jar in target/: run the integration tests through 'mvn verify' (package runs first)"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts the jar with these arguments (plus a free port) and waits until its health endpoint answers. Tuned to
     * start fast (C1 only): for tests; benchmarks pass their own JVM options.
     */
    public static AppProcess start(Path dataDir, String profiles, Map<String, Object> properties, Duration timeout)
            throws IOException, InterruptedException {
        return start(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"), dataDir, profiles, properties, timeout);
    }

    public static AppProcess start(List<String> jvmOptions, Path dataDir, String profiles, Map<String, Object> properties,
                                   Duration timeout) throws IOException, InterruptedException {
        AppProcess app = launch(jvmOptions, dataDir, profiles, properties);
        app.awaitHealthy(timeout);
        return app;
    }

    /** Starts the jar and returns at once, for a caller that watches the start-up itself; then {@link #awaitHealthy}. */
    public static AppProcess launch(List<String> jvmOptions, Path dataDir, String profiles, Map<String, Object> properties)
            throws IOException {
        int port = freePort();
        int managementPort = SuiteSettings.freePort();
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=2", "-jar", jar().toAbsolutePath().toString(),
                "--spring.profiles.active=" + profiles, "--server.port=" + port, "--server.address=127.0.0.1",
                "--agent.data-dir=" + dataDir));
        command.addAll(SuiteSettings.processArguments(managementPort));
        if (!properties.containsKey("agent.secrets.master-key")) {
            command.add("--agent.secrets.master-key=" + MySqlProfile.TEST_MASTER_KEY);
        }
        properties.forEach((name, value) -> command.add("--" + name + "=" + value));
        Files.createDirectories(dataDir);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new AppProcess(process, port, managementPort, log);
    }

    public void awaitHealthy(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().executor(daemonThread())
                .connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the application exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/actuator/health/liveness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the application did not become healthy within " + timeout + "; see " + log);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Health and metrics: the management port. */
    public String managementUrl() {
        return SuiteSettings.managementUrl(managementPort);
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook runs, nothing in flight is flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** An executor for a JDK HttpClient that never keeps the JVM alive (and never falls back to the common pool). */
    public static java.util.concurrent.Executor daemonThread() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "http-client");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        return SuiteSettings.freePort();
    }
}
