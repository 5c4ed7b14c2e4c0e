package io.agentworkspace.project;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.util.FS;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.RejectedCommand;

/** Checks that a local path names a git repository the service may register. */
@Component
class LocalRepositories {

    private final ProjectSettings settings;

    LocalRepositories(ProjectSettings settings) {
        this.settings = settings;
    }

    void verify(ProjectSource source) {
        if (source.kind() != ProjectSource.Kind.LOCAL_PATH) {
            return;
        }
        String field = source.kind().field();
        Path path;
        try {
            path = Path.of(source.location()).toRealPath();
        } catch (IOException e) {
            throw RejectedCommand.invalid("not-a-git-repository", field, "localPath does not exist or cannot be read");
        }
        if (!settings.allowedLocalRoots().isEmpty()
                && settings.allowedLocalRoots().stream().noneMatch(root -> path.startsWith(realOrSelf(root)))) {
            throw RejectedCommand.invalid("local-path-not-allowed", field,
                    "localPath is outside the directories this server allows repositories to be registered from");
        }
        File gitDir = RepositoryCache.FileKey.resolve(path.toFile(), FS.DETECTED);
        if (!Files.isDirectory(path) || gitDir == null) {
            throw RejectedCommand.invalid("not-a-git-repository", field, "localPath is not a git repository");
        }
    }

    private static Path realOrSelf(Path root) {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            return root.toAbsolutePath().normalize();
        }
    }
}
