package io.agentworkspace.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;

/**
 * Tests that set secret values register them here; after the suite, the leak scanner (io.agentworkspace.leaks)
 * fails CI if any of them shows up in a log, a captured API response, a database dump or a data directory.
 * Stored base64-encoded under target/leak-canaries, which the scanner itself skips.
 */
public final class LeakCanaries {

    private LeakCanaries() {
    }

    public static String register(String secretValue) {
        Path dir = Path.of("target", "leak-canaries");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("canaries-" + ProcessHandle.current().pid() + ".txt"),
                    Base64.getEncoder().encodeToString(secretValue.getBytes(StandardCharsets.UTF_8)) + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return secretValue;
    }
}
