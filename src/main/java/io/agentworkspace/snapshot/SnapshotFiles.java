package io.agentworkspace.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.DataDirectory;

/** Scratch space of the snapshot module: archives being written or downloaded, under {@code <data>/snapshots/tmp}. */
@Component
class SnapshotFiles {

    private final Path scratch;

    SnapshotFiles(DataDirectory data) {
        this.scratch = data.directory("snapshots").resolve("tmp");
        try {
            deleteRecursively(scratch);
            Files.createDirectories(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + scratch, e);
        }
    }

    /** A new, empty scratch directory for one job. */
    Path newScratch(String name) throws IOException {
        return Files.createDirectories(scratch.resolve(name));
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!Files.isSymbolicLink(p) && Files.isDirectory(p)) {
                    // a read-only directory from an archive must be writable to be emptied
                    p.toFile().setWritable(true, true);
                }
            }
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static void deleteQuietly(Path path) {
        try {
            deleteRecursively(path);
        } catch (IOException | UncheckedIOException ignored) {
            // scratch is emptied at the next start anyway
        }
    }
}
