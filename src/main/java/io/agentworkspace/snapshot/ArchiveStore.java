package io.agentworkspace.snapshot;

import java.io.IOException;
import java.nio.file.Path;

/** Keeps snapshot archives under keys; one implementation per driver. Blocking. */
interface ArchiveStore {

    /** The driver's name as configured and recorded in events: {@code local} or {@code s3}. */
    String driver();

    /** Stores the archive file under the key; the file may be moved away. */
    void store(String key, Path archive) throws IOException;

    /**
     * The archive as a local file: the stored one itself, or a copy downloaded into {@code scratch}.
     *
     * @throws ArchiveMissing when nothing is stored under the key
     */
    Path fetch(String key, Path scratch) throws IOException;

    /** Removes the archive; nothing stored is not an error. */
    void delete(String key) throws IOException;

    final class ArchiveMissing extends IOException {
        ArchiveMissing(String key) {
            super("no archive is stored under " + key);
        }
    }
}
