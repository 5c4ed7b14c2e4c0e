package io.agentworkspace.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server (the npm package s3rver, from src/test/node-s3) started by a test on a free
 * loopback port with a fresh directory, and stopped by it. Installs the package with {@code npm ci} on a machine
 * that lacks it. Every request line it served is kept, so a test can check what went over the wire.
 */
public final class S3rverProcess implements AutoCloseable {

    public static final String ACCESS_KEY_ID = "S3RVER";
    public static final String SECRET_ACCESS_KEY = "S3RVER";
    private static final Path PACKAGE = Path.of("src/test/node-s3").toAbsolutePath();

    private final Process process;
    private final int port;
    private final Path directory;
    private final String bucket;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private S3rverProcess(Process process, int port, Path directory, String bucket, BufferedReader output) {
        this.process = process;
        this.port = port;
        this.directory = directory;
        this.bucket = bucket;
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = output.readLine()) != null) {
                    if (line.startsWith("REQUEST ")) {
                        requests.add(line.substring("REQUEST ".length()));
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "s3rver-output");
        reader.setDaemon(true);
        reader.start();
    }

    public static S3rverProcess start(String bucket) {
        try {
            installIfMissing();
            Path directory = Files.createTempDirectory("s3rver");
            Process process = new ProcessBuilder("node", PACKAGE.resolve("s3rver.js").toString(), "--dir",
                    directory.toString(), "--bucket", bucket, "--max-seconds", "1500")
                    .redirectError(ProcessBuilder.Redirect.appendTo(directory.resolveSibling(directory.getFileName() + ".log").toFile()))
                    .start();
            BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String ready = CompletableFuture.supplyAsync(() -> {
                try {
                    return output.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, runnable -> new Thread(runnable, "s3rver-start").start()).get(30, TimeUnit.SECONDS);
            if (ready == null || !ready.startsWith("READY ")) {
                process.destroyForcibly();
                throw new IllegalStateException("s3rver did not start: " + ready);
            }
            return new S3rverProcess(process, Integer.parseInt(ready.substring(6).strip()), directory, bucket, output);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start s3rver", e);
        }
    }

    private static synchronized void installIfMissing() throws IOException, InterruptedException {
        if (Files.isDirectory(PACKAGE.resolve("node_modules/s3rver"))) {
            return;
        }
        // never inherit the test JVM's stdio: node makes inherited pipes non-blocking, which breaks the
        // surefire fork's command channel (stdin) and its exit handshake
        Path log = Files.createTempFile("npm-ci-s3rver", ".log");
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(PACKAGE.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        npm.getOutputStream().close();
        if (!npm.waitFor(5, TimeUnit.MINUTES)) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm ci in " + PACKAGE + " took more than 5 minutes");
        }
        if (npm.exitValue() != 0) {
            throw new IllegalStateException("npm ci in " + PACKAGE + " failed with exit code " + npm.exitValue() + ", see " + log);
        }
    }

    public long pid() {
        return process.pid();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String bucket() {
        return bucket;
    }

    /** Where s3rver keeps an object's bytes on disk (its file-system store layout). */
    public Path objectFile(String key) {
        return directory.resolve(bucket).resolve(key + "._S3rver_object");
    }

    /** Request lines served so far, as {@code METHOD /bucket/key?query}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
