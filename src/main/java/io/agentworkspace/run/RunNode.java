package io.agentworkspace.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.DataDirectory;

/**
 * This node's name, recorded in every RunStarting it writes. It survives restarts ({@code <data>/node-id}), so a
 * node that comes back knows which runs were its own and cannot still be running.
 */
@Component
class RunNode {

    private final String id;

    RunNode(RunSettings settings, DataDirectory data) {
        this.id = settings.nodeId().isBlank() ? stored(data.root().resolve("node-id")) : settings.nodeId();
    }

    String id() {
        return id;
    }

    private static String stored(Path file) {
        try {
            if (Files.exists(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!stored.isEmpty()) {
                    return stored;
                }
            }
            String fresh = "node-" + UUID.randomUUID();
            Files.writeString(file, fresh + "\n", StandardCharsets.UTF_8);
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the node id in " + file, e);
        }
    }
}
