package io.agentworkspace.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a script of deploy/ (or any command) as a process, with extra environment, and keeps what it printed. */
public final class Scripts {

    /** @param output stdout and stderr together, in the order they came */
    public record Result(int exitCode, String output) {

        /** The last line printed (a script's answer, such as a backup's path). */
        public String lastLine() {
            return output.strip().lines().reduce((a, b) -> b).orElse("").strip();
        }
    }

    private Scripts() {
    }

    public static Result run(List<String> command, Map<String, String> env, Duration timeout) throws IOException,
            InterruptedException {
        return start(command, env).await(timeout);
    }

    /** Starts {@code command}; {@link Started#await} waits for its result, {@link Started#close} ends it early. */
    public static Started start(List<String> command, Map<String, String> env) throws IOException {
        Path log = Files.createTempFile("script-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return new Started(command, builder.start(), log);
    }

    /** A script that runs. */
    public record Started(List<String> command, Process process, Path log) implements AutoCloseable {

        public Result await(Duration timeout) throws IOException, InterruptedException {
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                close();
                throw new IllegalStateException(command + " did not end within " + timeout + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        }

        /** Ends the script and whatever it started, if it still runs. */
        @Override
        public void close() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The connection to the test MariaDB as the deploy scripts read it (AGENT_DB_*). */
    public static Map<String, String> database(String name) {
        return Map.of("AGENT_DB_HOST", TestServices.mariaDb().host(),
                "AGENT_DB_PORT", Integer.toString(TestServices.mariaDb().port()), "AGENT_DB_USER", TestServices.mariaDbUser(),
                "AGENT_DB_PASSWORD", TestServices.mariaDbPassword(), "AGENT_DB_NAME", name);
    }
}
