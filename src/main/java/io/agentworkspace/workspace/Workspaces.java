package io.agentworkspace.workspace;

import java.nio.file.Path;
import java.util.UUID;

import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.DataDirectory;

/** Where each project's workspace lives: {@code <data>/workspaces/<projectId>}. */
@Component
public class Workspaces {

    private final Path root;

    Workspaces(DataDirectory dataDirectory) {
        this.root = dataDirectory.directory("workspaces");
    }

    public Path root() {
        return root;
    }

    /** The workspace directory of a project; the id must be a UUID, so it can never name a path outside the root. */
    public Path of(String projectId) {
        return root.resolve(UUID.fromString(projectId).toString());
    }
}
