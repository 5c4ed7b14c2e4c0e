package io.agentworkspace.console;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@link ServerProcess} for tests of other packages (kill -9 and restart of the packaged service), without
 * widening ServerProcess itself.
 */
public final class PackagedServer implements AutoCloseable {

    private final ServerProcess process;

    private PackagedServer(ServerProcess process) {
        this.process = process;
    }

    public static PackagedServer create(String database, Path dataDir, Map<String, String> properties) throws Exception {
        return new PackagedServer(ServerProcess.create(database, dataDir, properties));
    }

    /** Starts it and waits until it reports healthy. */
    public void start(Duration timeout) throws Exception {
        process.start(timeout);
    }

    /** SIGKILL. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    public String baseUrl() {
        return process.baseUrl();
    }

    public String logTail() {
        return process.tail();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
