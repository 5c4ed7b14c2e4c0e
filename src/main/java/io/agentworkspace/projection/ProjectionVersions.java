package io.agentworkspace.projection;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.OptionalInt;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.UtcColumns;

/**
 * The manifest version each projection's live tables were built by ({@code projection_versions}). A manifest whose
 * version is newer than the recorded one describes handlers the live tables have not seen: they need a rebuild.
 * A rebuild records its manifest's version in the transaction that hands its position over.
 */
@Component
public class ProjectionVersions {

    /** Every manifest had this version before versions were recorded. */
    static final int BEFORE_RECORDING = 1;

    private final ProjectionCatalog catalog;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    ProjectionVersions(ProjectionCatalog catalog, JdbcTemplate jdbc, Clock clock) {
        this.catalog = catalog;
        this.jdbc = jdbc;
        this.clock = clock;
        baseline();
    }

    /** The version the live tables were built by. */
    public OptionalInt built(String name) {
        return jdbc.queryForList("SELECT version FROM projection_versions WHERE projection = ?", Integer.class, name)
                .stream().mapToInt(Integer::intValue).findFirst();
    }

    /** Projections whose manifest is newer than their live tables. */
    public List<ProjectionCatalog.Projection> outdated() {
        return catalog.all().stream()
                .filter(projection -> built(projection.name()).orElse(projection.version()) < projection.version())
                .toList();
    }

    /** The live tables now hold what this manifest's version builds. Joins the caller's transaction. */
    void record(ProjectionCatalog.Projection projection) {
        if (jdbc.update("UPDATE projection_versions SET version = ?, recorded_at = ? WHERE projection = ?",
                projection.version(), now(), projection.name()) == 0) {
            insert(projection.name(), projection.version());
        }
    }

    /**
     * Runs before the processors start. A projection seen for the first time is built by its current manifest,
     * unless its processor has a token already: then its tables predate version recording, and were built by 1.
     */
    private void baseline() {
        for (ProjectionCatalog.Projection projection : catalog.all()) {
            if (built(projection.name()).isEmpty()) {
                Integer tokens = jdbc.queryForObject("SELECT COUNT(*) FROM TokenEntry WHERE processorName = ?",
                        Integer.class, projection.processingGroup());
                insert(projection.name(), tokens != null && tokens > 0 ? BEFORE_RECORDING : projection.version());
            }
        }
    }

    private void insert(String name, int version) {
        try {
            jdbc.update("INSERT INTO projection_versions (projection, version, recorded_at) VALUES (?, ?, ?)",
                    name, version, now());
        } catch (DuplicateKeyException anotherNodeFirst) {
            // a node starting at the same time recorded it
        }
    }

    private Timestamp now() {
        return UtcColumns.timestamp(clock.instant());
    }
}
