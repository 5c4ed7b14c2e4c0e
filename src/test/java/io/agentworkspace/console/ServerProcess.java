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

import io.agentworkspace.support.TestServices;

/**
 * The packaged service (target/agent-workspace-*.jar) as a process of its own on the production profile, so a
 * test can kill -9 it and start it again on the same port, database and data directory.
 */
final class ServerProcess implements AutoCloseable {

    private final List<String> command;
    private final Path log;
    final int port;
    private Process process;

    private ServerProcess(List<String> command, Path log, int port) {
        this.command = command;
        this.log = log;
        this.port = port;
    }

    static ServerProcess create(String database, Path dataDir, Map<String, String> properties) throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(file -> file.getFileName().toString().matches("agent-workspace-.*\\.jar"))
                    .filter(file -> !file.getFileName().toString().endsWith("-plain.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no packaged jar in target/: run mvn package first"));
        }
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--spring.profiles.active=mysql",
                "--server.port=" + port, "--agent.data-dir=" + dataDir,
                "--spring.datasource.url=" + TestServices.jdbcUrl(database),
                "--spring.datasource.username=" + TestServices.mariaDbUser(),
                "--spring.datasource.password=" + TestServices.mariaDbPassword(),
                "--spring.r2dbc.url=" + TestServices.r2dbcUrl(database),
                "--spring.r2dbc.username=" + TestServices.mariaDbUser(),
                "--spring.r2dbc.password=" + TestServices.mariaDbPassword(),
                "--spring.data.redis.host=" + TestServices.redis().host(),
                "--spring.data.redis.port=" + TestServices.redis().port()));
        properties.forEach((name, value) -> command.add("--" + name + "=" + value));
        return new ServerProcess(command, dataDir.resolve("server.log"), port);
    }

    /** Starts it and waits until it reports healthy; returns when that was (epoch ms). */
    long start(Duration timeout) throws Exception {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited: see " + log + "\n" + tail());
            }
            if (healthy()) {
                return System.currentTimeMillis();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the server was not healthy within " + timeout + "\n" + tail());
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    private boolean healthy() {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(baseUrl() + "/actuator/health/readiness")
                    .toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(1000);
            return connection.getResponseCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    String tail() {
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
