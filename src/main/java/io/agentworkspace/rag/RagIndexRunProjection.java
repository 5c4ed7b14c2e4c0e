package io.agentworkspace.rag;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.UtcColumns;
import io.agentworkspace.projection.ProjectionTables;
import io.agentworkspace.projection.ProjectionWriter;

/** Builds {@code rag_index_runs}: every index run with its outcome and counts. */
@Component
@ProcessingGroup(RagIndexRunProjection.PROCESSOR)
class RagIndexRunProjection {

    static final String PROCESSOR = "rag-index-runs";

    private final ProjectionWriter writer;

    RagIndexRunProjection(ProjectionWriter writer) {
        this.writer = writer;
    }

    @EventHandler
    void on(RagIndexRequested event) {
        writer.updateRow(event.runId(), """
                INSERT INTO %s (run_id, project_id, reason, requested_by, status, requested_at)
                VALUES (?, ?, ?, ?, 'requested', ?)""".formatted(indexRuns()),
                event.runId(), event.projectId(), event.reason(), event.requestedBy(), UtcColumns.column(event.requestedAt()));
    }

    @EventHandler
    void on(RagIndexCompleted event) {
        writer.updateRow(event.runId(), """
                UPDATE %s SET status = 'completed', finished_at = ?, embedder = ?, files_scanned = ?,
                files_changed = ?, files_deleted = ?, chunks_embedded = ?, chunks_reused = ?, chunks_deleted = ?,
                chunks_total = ?, duration_ms = ? WHERE run_id = ?""".formatted(indexRuns()),
                UtcColumns.column(event.completedAt()), event.embedder(), event.filesScanned(), event.filesChanged(),
                event.filesDeleted(), event.chunksEmbedded(), event.chunksReused(), event.chunksDeleted(),
                event.chunksTotal(), event.durationMs(), event.runId());
    }

    @EventHandler
    void on(RagIndexFailed event) {
        writer.updateRow(event.runId(), "UPDATE %s SET status = 'failed', finished_at = ?, failure_reason = ?, duration_ms = ? WHERE run_id = ?"
                .formatted(indexRuns()), UtcColumns.column(event.failedAt()), event.failure(), event.durationMs(), event.runId());
    }

    @ResetHandler
    void reset() {
        writer.update("DELETE FROM %s".formatted(indexRuns()));
    }

    /** The live table, or its shadow while a rebuild runs these handlers. */
    private static String indexRuns() {
        return ProjectionTables.of("rag_index_runs");
    }
}
