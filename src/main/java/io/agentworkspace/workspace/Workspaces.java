package io.agentworkspace.workspace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.Ids;
import io.agentworkspace.infrastructure.RejectedCommand;
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

    /**
     * The workspace directory of a project as a request names it: refused when the id is not a UUID, not found
     * when the project has no workspace (unknown, or not cloned yet).
     */
    public Path existing(String projectId) {
        if (!Ids.isUuid(projectId)) {
            throw RejectedCommand.invalid("invalid-project-id", "id", "id must be a UUID");
        }
        Path workspace = of(projectId);
        if (!Files.isDirectory(workspace)) {
            throw RejectedCommand.notFound("workspace-not-found", "Project " + projectId + " has no workspace.");
        }
        return workspace;
    }
}
