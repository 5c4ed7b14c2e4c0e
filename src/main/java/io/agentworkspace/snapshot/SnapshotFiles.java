package io.agentworkspace.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.Directories;
import io.agentworkspace.infrastructure.persistence.DataDirectory;

/** Scratch space of the snapshot module: archives being written or downloaded, under {@code <data>/snapshots/tmp}. */
@Component
class SnapshotFiles {

    private final Path scratch;

    SnapshotFiles(DataDirectory data) {
        this.scratch = data.directory("snapshots").resolve("tmp");
        try {
            Directories.deleteRecursively(scratch);
            Files.createDirectories(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + scratch, e);
        }
    }

    /** A new, empty scratch directory for one job. */
    Path newScratch(String name) throws IOException {
        return Files.createDirectories(scratch.resolve(name));
    }
}
