package io.agentworkspace.console;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.SuiteSettings;
import io.agentworkspace.support.TestServices;

/**
 * The packaged service (target/agent-workspace-*.jar) as a process of its own on the production profile, so a
 * test can kill -9 it and start it again on the same port, database and data directory; or, for a benchmark, the
 * service from this JVM's class path in a process of its own, so its CPU time is its own.
 */
public final class ServerProcess implements AutoCloseable {

    private final List<String> command;
    private final Path log;
    public final int port;
    public final int managementPort;
    private Process process;

    private ServerProcess(List<String> command, Path log, int port, int managementPort) {
        this.command = command;
        this.log = log;
        this.port = port;
        this.managementPort = managementPort;
    }

    static ServerProcess create(String database, Path dataDir, Map<String, String> properties) throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(file -> file.getFileName().toString().matches("agent-workspace-.*\\.jar"))
                    .filter(file -> !file.getFileName().toString().endsWith("-plain.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no packaged jar in target/: run mvn package first"));
        }
        return mysqlNode(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()), database, dataDir,
                properties);
    }

    /** @param launch JVM options and what to run (-jar or -cp and the main class) */
    public static ServerProcess mysqlNode(List<String> launch, String database, Path dataDir,
                                          Map<String, String> properties) throws IOException {
        int port = freePort();
        int managementPort = SuiteSettings.freePort();
        List<String> command = new ArrayList<>();
        // AGENT_BENCH_SERVER_JAVA: another JDK's java for the server (a benchmark comparing JDKs); this one by default
        String java = System.getenv("AGENT_BENCH_SERVER_JAVA");
        command.add(java != null && !java.isBlank() ? java
                : Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launch);
        command.addAll(List.of("--spring.profiles.active=mysql",
                "--server.port=" + port, "--agent.data-dir=" + dataDir,
                "--spring.datasource.url=" + TestServices.jdbcUrl(database),
                "--spring.datasource.username=" + TestServices.mariaDbUser(),
                "--spring.datasource.password=" + TestServices.mariaDbPassword(),
                "--spring.r2dbc.url=" + TestServices.r2dbcUrl(database),
                "--spring.r2dbc.username=" + TestServices.mariaDbUser(),
                "--spring.r2dbc.password=" + TestServices.mariaDbPassword(),
                "--spring.data.redis.host=" + TestServices.redis().host(),
                "--spring.data.redis.port=" + TestServices.redis().port()));
        command.addAll(SuiteSettings.processArguments(managementPort));
        properties.forEach((name, value) -> command.add("--" + name + "=" + value));
        return new ServerProcess(command, dataDir.resolve("server.log"), port, managementPort);
    }

    /**
     * Starts it and waits until it reports ready ({@code /actuator/health/readiness} answers 200, polled every
     * 20 ms); returns when that was (epoch ms): the moment "the server is back".
     */
    public long start(Duration timeout) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // every node of an installation shares the master key; through the environment, not the command line
        builder.environment().put("AGENT_MASTER_KEY", MySqlProfile.TEST_MASTER_KEY);
        process = builder.start();
        long spawned = System.currentTimeMillis();
        long answering = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited: see " + log + "\n" + tail());
            }
            int status = readiness();
            if (status > 0 && answering == 0) {
                answering = System.currentTimeMillis();
            }
            if (status == 200) {
                long ready = System.currentTimeMillis();
                System.out.printf("server started: answering HTTP %d ms, ready %d ms after spawn%n", answering - spawned,
                        ready - spawned);
                return ready;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the server was not healthy within " + timeout + "\n" + tail());
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM and a graceful shutdown (a JFR recording is written then), SIGKILL after 30 s. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    public long pid() {
        return process.pid();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Health and metrics: the management port. */
    public String managementUrl() {
        return SuiteSettings.managementUrl(managementPort);
    }

    /** The readiness probe's status, 0 while nothing answers. */
    private int readiness() {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(managementUrl() + "/actuator/health/readiness")
                    .toURL().openConnection();
            // generous: a probe that gave up on a slow answer would see the server's readiness late
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(10_000);
            return connection.getResponseCode();
        } catch (IOException notYet) {
            return 0;
        }
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }
}
