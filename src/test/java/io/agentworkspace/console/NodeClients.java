package io.agentworkspace.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The Node test clients under src/test/node, with their real npm packages (pusher-js, pusher, eventsource):
 * installed here on first use ({@code npm ci} from the committed lock file), then run as child processes that
 * talk to the test over stdin/stdout lines. Needs only node and npm on the PATH.
 */
public final class NodeClients {

    static final Path DIRECTORY = Path.of("src/test/node").toAbsolutePath();

    private NodeClients() {
    }

    /** What every client script reads (common.mjs): the server, a bearer token, the Pusher app; plus {@code extra}. */
    static Map<String, String> environment(int port, String token, PusherCredentials credentials,
                                           Map<String, String> extra) {
        Map<String, String> environment = new java.util.HashMap<>(Map.of("CONSOLE_BASE_URL", "http://127.0.0.1:" + port,
                "CONSOLE_TOKEN", token, "PUSHER_APP_ID", credentials.appId(), "PUSHER_KEY", credentials.key(),
                "PUSHER_SECRET", credentials.secret()));
        environment.putAll(extra);
        return environment;
    }

    public static synchronized void install() throws IOException, InterruptedException {
        Path installed = DIRECTORY.resolve("node_modules/.package-lock.json");
        if (Files.exists(installed) && Files.getLastModifiedTime(installed)
                .compareTo(Files.getLastModifiedTime(DIRECTORY.resolve("package-lock.json"))) >= 0) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(DIRECTORY.toFile()).redirectErrorStream(true).start();
        String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm ci failed in " + DIRECTORY + ":\n" + output);
        }
    }

    /** A running script: its stdout lines as they come, and a way to answer it. */
    public static final class Script implements AutoCloseable {
        private final Process process;
        private final Writer stdin;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        private Script(Process process) {
            this.process = process;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "node-client-output");
            reader.setDaemon(true);
            reader.start();
        }

        public static Script start(String script, Map<String, String> environment) throws IOException, InterruptedException {
            install();
            ProcessBuilder builder = new ProcessBuilder("node", script).directory(DIRECTORY.toFile())
                    .redirectErrorStream(true);
            builder.environment().putAll(environment);
            return new Script(builder.start());
        }

        /** Waits for a line starting with {@code prefix}; fails on FAIL or when the script ends first. */
        public String await(String prefix, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (String line : lines) {
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                    if (line.startsWith("FAIL")) {
                        throw new AssertionError("node client failed:\n" + String.join("\n", lines));
                    }
                }
                if (!process.isAlive() && !reader.isAlive()) {
                    break;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no '" + prefix + "' from the node client within " + timeout + ":\n"
                    + String.join("\n", lines));
        }

        public void send(String line) throws IOException {
            stdin.write(line + "\n");
            stdin.flush();
        }

        public int exitCode(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("node client still running after " + timeout + ":\n" + String.join("\n", lines));
            }
            return process.exitValue();
        }

        public List<String> output() {
            return List.copyOf(lines);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
