package io.agentworkspace.project;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.UtcColumns;
import io.agentworkspace.projection.ProjectionTables;
import io.agentworkspace.projection.ProjectionWriter;
import io.agentworkspace.snapshot.SnapshotRestored;
import io.agentworkspace.workspace.WorkspacePulled;

/**
 * Builds the {@code projects} read model. Writes go through JDBC on purpose: they join the processor's
 * transaction, so a batch's rows and its token commit together or not at all. Plain INSERTs, not upserts: an event
 * applied twice is a bug to surface, not to hide.
 */
@Component
@ProcessingGroup(ProjectProjection.PROCESSOR)
class ProjectProjection {

    static final String PROCESSOR = "projects";

    private final ProjectionWriter writer;

    ProjectProjection(ProjectionWriter writer) {
        this.writer = writer;
    }

    @EventHandler
    void on(ProjectRegistered event, @SequenceNumber long version) {
        writer.updateRow(event.projectId(), """
                INSERT INTO %s (id, name, source_kind, source, status, registered_at, updated_at, version)
                VALUES (?, ?, ?, ?, 'cloning', ?, ?, ?)""".formatted(table()),
                event.projectId(), event.name(), event.sourceKind(), event.source(),
                UtcColumns.column(event.registeredAt()), UtcColumns.column(event.registeredAt()), version);
    }

    @EventHandler
    void on(WorkspaceCloned event, @SequenceNumber long version) {
        writer.updateRow(event.projectId(), """
                UPDATE %s SET status = 'ready', head_commit = ?, branch = ?, cloned_at = ?, failure_reason = NULL,
                updated_at = ?, version = ? WHERE id = ?""".formatted(table()),
                event.headCommit(), event.branch(), UtcColumns.column(event.clonedAt()), UtcColumns.column(event.clonedAt()), version,
                event.projectId());
    }

    @EventHandler
    void on(WorkspaceCloneFailed event, @SequenceNumber long version) {
        writer.updateRow(event.projectId(), """
                UPDATE %s SET status = 'clone_failed', failure_reason = ?, updated_at = ?, version = ?
                WHERE id = ?""".formatted(table()),
                event.reason(), UtcColumns.column(event.failedAt()), version, event.projectId());
    }

    /**
     * A pull moved the branch: the head follows. Not the project's own event, so {@code version} (the project
     * aggregate's sequence) stays; the single-segment processor applies these in store order.
     */
    @EventHandler
    void on(WorkspacePulled event) {
        if (event.updated()) {
            writer.updateRow(event.projectId(), "UPDATE %s SET head_commit = ?, branch = ?, updated_at = ? WHERE id = ?".formatted(table()),
                    event.toCommit(), event.branch(), UtcColumns.column(event.pulledAt()), event.projectId());
        }
    }

    /** A restore replaced the tree, .git included: the head is the snapshot's. */
    @EventHandler
    void on(SnapshotRestored event) {
        writer.updateRow(event.projectId(), "UPDATE %s SET head_commit = ?, updated_at = ? WHERE id = ?".formatted(table()),
                event.commitAfter(), UtcColumns.column(event.restoredAt()), event.projectId());
    }

    @ResetHandler
    void reset() {
        writer.update("DELETE FROM " + table());
    }

    /** The live table, or its shadow while a rebuild runs these handlers. */
    private static String table() {
        return ProjectionTables.of("projects");
    }
}
