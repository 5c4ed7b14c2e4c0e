package io.agentworkspace.infrastructure.persistence;

import java.nio.file.Path;

/**
 * The embedded default's database: one H2 file under the data directory, shared by the JDBC side (event store,
 * projections) and the R2DBC side (queries) of the same JVM.
 */
final class EmbeddedDatabase {

    private static final String OPTIONS = ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";

    private EmbeddedDatabase() {
    }

    /** Everything after {@code jdbc:h2:}, as both drivers take it. */
    static String h2Url(DataDirectory dataDirectory) {
        Path file = dataDirectory.directory("db").resolve("agent");
        return "file:" + file + OPTIONS;
    }
}
