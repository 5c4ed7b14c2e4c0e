package io.agentworkspace.infrastructure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removing directory trees the service made (workspaces, scratch, homes): never following a link out of them. */
public final class Directories {

    private Directories() {
    }

    /**
     * Deletes {@code path} and everything under it; links are deleted, never followed. Read-only directories (from
     * an archive or a repository) are made writable first so they can be emptied. Nothing happens when it is absent.
     */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> deepestFirst;
        try (Stream<Path> walk = Files.walk(path)) {
            deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path entry : deepestFirst) {
            if (!Files.isSymbolicLink(entry) && Files.isDirectory(entry)) {
                entry.toFile().setWritable(true, true);
            }
        }
        for (Path entry : deepestFirst) {
            Files.deleteIfExists(entry);
        }
    }

    /** {@link #deleteRecursively}, for clean-up whose failure leaves only garbage a later run clears. */
    public static void deleteQuietly(Path path) {
        try {
            deleteRecursively(path);
        } catch (IOException | UncheckedIOException ignored) {
            // left for the next clean-up
        }
    }
}
