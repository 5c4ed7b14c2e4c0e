package io.agentworkspace.infrastructure.persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.InstallationSettings;

/**
 * The directory that holds everything the node keeps on local disk: workspaces, snapshots, the embedded database,
 * the admin token and master key. It and every sub-directory it hands out are owner-only ({@code rwx------}),
 * whatever the process's umask: other local users must not read workspaces, archives or keys.
 */
@Component
public class DataDirectory {

    /** Owner-only: for directories the service creates under the data directory. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path root;

    @Autowired
    DataDirectory(InstallationSettings installation) {
        this(installation.dataDir().toString());
    }

    DataDirectory(String configured) {
        this.root = resolve(configured);
        try {
            Files.createDirectories(root);
            ownerOnly(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + root, e);
        }
    }

    private static void ownerOnly(Path directory) throws IOException {
        if (Files.getFileStore(directory).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(directory, OWNER_ONLY);
        }
    }

    static Path resolve(String configured) {
        return Path.of(configured).toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** A sub-directory of the data directory, created on first use. */
    public Path directory(String name) {
        Path dir = root.resolve(name);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                ownerOnly(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }
}
