package io.agentworkspace.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a test application context at the embedded default: a fresh data directory of its own. */
public final class EmbeddedApp {

    private EmbeddedApp() {
    }

    /** Creates a temporary directory named "agent-" + name, registers it as agent.data-dir and returns it. */
    public static Path dataDir(DynamicPropertyRegistry registry, String name) throws IOException {
        Path dataDir = Files.createTempDirectory("agent-" + name);
        registry.add("agent.data-dir", dataDir::toString);
        return dataDir;
    }
}
