package io.agentworkspace.project;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.util.FS;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.workspace.RemoteAddresses;

/**
 * Checks that a project's source is one the service may clone: a local path under
 * {@code agent.projects.allowed-local-roots} (none when empty) and outside the data directory, holding a git
 * repository; or a remote URL with an allowed scheme whose host is not an internal address ({@link RemoteAddresses}).
 * Blocking (disk, DNS).
 */
@Component
class LocalRepositories {

    private final ProjectSettings settings;
    private final RemoteAddresses remotes;
    private final Path dataDirectory;

    LocalRepositories(ProjectSettings settings, RemoteAddresses remotes, DataDirectory data) {
        this.settings = settings;
        this.remotes = remotes;
        this.dataDirectory = realOrSelf(data.root());
    }

    void verify(ProjectSource source) {
        if (source.kind() == ProjectSource.Kind.GIT_URL) {
            verifyRemote(source);
            return;
        }
        String field = source.kind().field();
        Path path;
        try {
            path = Path.of(source.location()).toRealPath();
        } catch (IOException e) {
            throw RejectedCommand.invalid("not-a-git-repository", field, "localPath does not exist or cannot be read");
        }
        if (settings.allowedLocalRoots().stream().noneMatch(root -> path.startsWith(realOrSelf(root)))
                || path.startsWith(dataDirectory)) {
            throw RejectedCommand.invalid("local-path-not-allowed", field,
                    "localPath is outside the directories this server allows repositories to be registered from");
        }
        File gitDir = RepositoryCache.FileKey.resolve(path.toFile(), FS.DETECTED);
        if (!Files.isDirectory(path) || gitDir == null) {
            throw RejectedCommand.invalid("not-a-git-repository", field, "localPath is not a git repository");
        }
    }

    private void verifyRemote(ProjectSource source) {
        String field = source.kind().field();
        ProjectSource.Remote remote = source.remote();
        if (!remotes.schemeAllowed(remote.scheme())) {
            throw RejectedCommand.invalid("git-url-not-allowed", field, "gitUrl must use "
                    + String.join(" or ", remotes.settings().schemes()) + " on this server");
        }
        try {
            remotes.checkHost(remote.host());
        } catch (RemoteAddresses.AddressNotAllowed refused) {
            throw RejectedCommand.invalid("git-url-not-allowed", field,
                    "gitUrl names a host on a private, loopback or link-local network, which this server does not reach");
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
