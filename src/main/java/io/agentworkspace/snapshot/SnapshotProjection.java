package io.agentworkspace.snapshot;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.UtcColumns;
import io.agentworkspace.projection.ProjectionTables;
import io.agentworkspace.projection.ProjectionWriter;

/**
 * Builds the {@code snapshots} and {@code snapshot_retention} read models through JDBC, inside the processor's
 * transaction (rows and token commit together).
 */
@Component
@ProcessingGroup(SnapshotProjection.PROCESSOR)
class SnapshotProjection {

    static final String PROCESSOR = "snapshots";

    private final ProjectionWriter writer;

    SnapshotProjection(ProjectionWriter writer) {
        this.writer = writer;
    }

    @EventHandler
    void on(SnapshotRequested event) {
        writer.updateRow(event.snapshotId(), """
                INSERT INTO %s (id, project_id, label, status, requested_by, restore_count, requested_at, updated_at)
                VALUES (?, ?, ?, 'requested', ?, 0, ?, ?)""".formatted(snapshots()),
                event.snapshotId(), event.projectId(), event.label(), event.requestedBy(), UtcColumns.column(event.requestedAt()),
                UtcColumns.column(event.requestedAt()));
    }

    @EventHandler
    void on(SnapshotCreated event) {
        writer.updateRow(event.snapshotId(), """
                UPDATE %s SET status = 'created', commit_id = ?, driver = ?, archive_key = ?, size_bytes = ?,
                content_bytes = ?, file_count = ?, sha256 = ?, created_at = ?, updated_at = ? WHERE id = ?"""
                        .formatted(snapshots()),
                event.commitId(), event.driver(), event.archiveKey(), event.sizeBytes(), event.contentBytes(),
                event.fileCount(), event.sha256(), UtcColumns.column(event.createdAt()), UtcColumns.column(event.createdAt()), event.snapshotId());
    }

    @EventHandler
    void on(SnapshotFailed event) {
        writer.updateRow(event.snapshotId(), "UPDATE %s SET status = 'failed', failure_reason = ?, updated_at = ? WHERE id = ?"
                .formatted(snapshots()),
                event.reason(), UtcColumns.column(event.failedAt()), event.snapshotId());
    }

    @EventHandler
    void on(SnapshotRestored event) {
        writer.updateRow(event.snapshotId(), """
                UPDATE %s SET restore_count = restore_count + 1, last_restored_at = ?, last_restore_failure = NULL,
                updated_at = ? WHERE id = ?"""
                        .formatted(snapshots()),
                UtcColumns.column(event.restoredAt()), UtcColumns.column(event.restoredAt()), event.snapshotId());
    }

    @EventHandler
    void on(SnapshotRestoreFailed event) {
        writer.updateRow(event.snapshotId(), "UPDATE %s SET last_restore_failure = ?, updated_at = ? WHERE id = ?".formatted(snapshots()),
                event.reason(), UtcColumns.column(event.failedAt()), event.snapshotId());
    }

    @EventHandler
    void on(SnapshotDeleted event) {
        writer.updateRow(event.snapshotId(), "UPDATE %s SET status = 'deleted', delete_reason = ?, deleted_at = ?, updated_at = ? WHERE id = ?"
                .formatted(snapshots()),
                event.reason(), UtcColumns.column(event.deletedAt()), UtcColumns.column(event.deletedAt()), event.snapshotId());
    }

    @EventHandler
    void on(SnapshotRetentionSet event) {
        writer.updateRow(event.projectId(), "DELETE FROM %s WHERE project_id = ?".formatted(retention()), event.projectId());
        writer.updateRow(event.projectId(), "INSERT INTO %s (project_id, keep_last, max_age_seconds, set_by, set_at) VALUES (?, ?, ?, ?, ?)"
                .formatted(retention()),
                event.projectId(), event.keepLast(), event.maxAgeSeconds(), event.setBy(), UtcColumns.column(event.setAt()));
    }

    @ResetHandler
    void reset() {
        writer.update("DELETE FROM %s".formatted(snapshots()));
        writer.update("DELETE FROM %s".formatted(retention()));
    }

    /** The live table, or its shadow while a rebuild runs these handlers. */
    private static String snapshots() {
        return ProjectionTables.of("snapshots");
    }

    /** The live table, or its shadow while a rebuild runs these handlers. */
    private static String retention() {
        return ProjectionTables.of("snapshot_retention");
    }
}
