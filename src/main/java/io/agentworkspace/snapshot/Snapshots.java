package io.agentworkspace.snapshot;

import java.time.LocalDateTime;
import java.util.List;

import io.r2dbc.spi.Readable;
import org.springframework.lang.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.agentworkspace.infrastructure.persistence.UtcColumns;

/** Reads of the snapshot read models, non-blocking through R2DBC. */
@Component
public class Snapshots {

    public record Page(List<SnapshotView> items, long total, int limit, int offset) {
    }

    /** A project's retention policy; null bounds do not apply, and a policy of none uses the configured default. */
    public record Retention(String projectId, @Nullable Integer keepLast, @Nullable Long maxAgeSeconds,
                            @Nullable String setBy, @Nullable java.time.Instant setAt) {
    }

    private static final String COLUMNS = "id, project_id, label, status, requested_by, commit_id, driver, size_bytes, "
            + "content_bytes, file_count, sha256, failure_reason, delete_reason, restore_count, last_restored_at, "
            + "last_restore_failure, requested_at, created_at, deleted_at";

    private final DatabaseClient db;

    Snapshots(DatabaseClient db) {
        this.db = db;
    }

    public Mono<SnapshotView> byId(String projectId, String snapshotId) {
        return db.sql("SELECT " + COLUMNS + " FROM snapshots WHERE id = :id AND project_id = :project")
                .bind("id", snapshotId)
                .bind("project", projectId)
                .map(Snapshots::view)
                .one();
    }

    public Mono<Page> page(String projectId, boolean includeDeleted, int limit, int offset) {
        String where = " WHERE project_id = :project" + (includeDeleted ? "" : " AND status <> 'deleted'");
        Mono<List<SnapshotView>> items = db.sql("SELECT " + COLUMNS + " FROM snapshots" + where
                        + " ORDER BY requested_at DESC, id LIMIT :limit OFFSET :offset")
                .bind("project", projectId)
                .bind("limit", limit)
                .bind("offset", offset)
                .map(Snapshots::view)
                .all()
                .collectList();
        Mono<Long> total = db.sql("SELECT COUNT(*) AS n FROM snapshots" + where)
                .bind("project", projectId)
                .map(row -> ((Number) row.get("n")).longValue())
                .one();
        return Mono.zip(items, total, (list, count) -> new Page(list, count, limit, offset));
    }

    public Mono<Retention> retention(String projectId) {
        return db.sql("SELECT keep_last, max_age_seconds, set_by, set_at FROM snapshot_retention WHERE project_id = :project")
                .bind("project", projectId)
                .map(row -> new Retention(projectId, integer(row.get("keep_last")), longOrNull(row.get("max_age_seconds")),
                        row.get("set_by", String.class), UtcColumns.instant(row.get("set_at", LocalDateTime.class))))
                .one()
                .defaultIfEmpty(new Retention(projectId, null, null, null, null));
    }

    /** Projects that have snapshots retention could prune. */
    Flux<String> projectsWithSnapshots() {
        return db.sql("SELECT DISTINCT project_id FROM snapshots WHERE status = 'created'")
                .map(row -> row.get("project_id", String.class))
                .all();
    }

    private static SnapshotView view(Readable row) {
        return new SnapshotView(
                row.get("id", String.class),
                row.get("project_id", String.class),
                row.get("label", String.class),
                row.get("status", String.class),
                row.get("requested_by", String.class),
                row.get("commit_id", String.class),
                row.get("driver", String.class),
                longOrNull(row.get("size_bytes")),
                longOrNull(row.get("content_bytes")),
                longOrNull(row.get("file_count")),
                row.get("sha256", String.class),
                row.get("failure_reason", String.class),
                row.get("delete_reason", String.class),
                ((Number) row.get("restore_count")).intValue(),
                UtcColumns.instant(row.get("last_restored_at", LocalDateTime.class)),
                row.get("last_restore_failure", String.class),
                UtcColumns.instant(row.get("requested_at", LocalDateTime.class)),
                UtcColumns.instant(row.get("created_at", LocalDateTime.class)),
                UtcColumns.instant(row.get("deleted_at", LocalDateTime.class)));
    }

    @Nullable
    private static Long longOrNull(@Nullable Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    @Nullable
    private static Integer integer(@Nullable Object value) {
        return value == null ? null : ((Number) value).intValue();
    }
}
