package io.agentworkspace.snapshot;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Archives as files under a directory of the node ({@code <data>/snapshots/archives} by default). */
final class LocalArchiveStore implements ArchiveStore {

    private final Path directory;

    LocalArchiveStore(Path directory) {
        this.directory = directory;
    }

    @Override
    public String driver() {
        return "local";
    }

    Path directory() {
        return directory;
    }

    @Override
    public void store(String key, Path archive) throws IOException {
        Path target = locate(key);
        Files.createDirectories(target.getParent());
        try {
            Files.move(archive, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException otherFileSystem) {
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            Files.copy(archive, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(archive);
        }
    }

    @Override
    public Path fetch(String key, Path scratch) throws IOException {
        Path stored = locate(key);
        if (!Files.isRegularFile(stored)) {
            throw new ArchiveMissing(key);
        }
        return stored;
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(locate(key));
    }

    /** Keys are ours ({@code <projectId>/<snapshotId>.tar.gz}); still, never a path outside the directory. */
    Path locate(String key) {
        Path path = directory.resolve(key).normalize();
        if (!path.startsWith(directory) || path.equals(directory)) {
            throw new IllegalArgumentException("archive key outside the archive directory");
        }
        return path;
    }
}
