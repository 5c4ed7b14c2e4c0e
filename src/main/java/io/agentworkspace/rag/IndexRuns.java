package io.agentworkspace.rag;

import java.time.LocalDateTime;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.agentworkspace.infrastructure.persistence.UtcColumns;

/** Reads index runs (R2DBC), with the live progress of the ones running here. */
@Component
class IndexRuns {

    private static final String COLUMNS = "run_id, project_id, reason, requested_by, status, requested_at, finished_at, "
            + "embedder, files_scanned, files_changed, files_deleted, chunks_embedded, chunks_reused, chunks_deleted, "
            + "chunks_total, duration_ms, failure_reason";

    private final DatabaseClient db;
    private final RunProgressBoard board;

    IndexRuns(DatabaseClient db, RunProgressBoard board) {
        this.db = db;
        this.board = board;
    }

    Mono<IndexRunView> byId(String runId) {
        return db.sql("SELECT " + COLUMNS + " FROM rag_index_runs WHERE run_id = :id").bind("id", runId)
                .map(IndexRuns::view).one()
                .map(run -> run.withProgress(run.finished() ? null : board.of(runId).orElse(null)));
    }

    Flux<IndexRunView> ofProject(String projectId, int limit) {
        return db.sql("SELECT " + COLUMNS + " FROM rag_index_runs WHERE project_id = :project "
                        + "ORDER BY requested_at DESC, run_id LIMIT :limit")
                .bind("project", projectId).bind("limit", limit)
                .map(IndexRuns::view).all()
                .map(run -> run.withProgress(run.finished() ? null : board.of(run.runId()).orElse(null)));
    }

    private static IndexRunView view(Readable row) {
        String status = row.get("status", String.class);
        IndexCounts counts = "completed".equals(status) ? new IndexCounts(row.get("embedder", String.class),
                integer(row, "files_scanned"), integer(row, "files_changed"), integer(row, "files_deleted"),
                integer(row, "chunks_embedded"), integer(row, "chunks_reused"), integer(row, "chunks_deleted"),
                integer(row, "chunks_total")) : null;
        Number duration = (Number) row.get("duration_ms");
        return new IndexRunView(row.get("run_id", String.class), row.get("project_id", String.class),
                row.get("reason", String.class), row.get("requested_by", String.class), status,
                UtcColumns.instant(row.get("requested_at", LocalDateTime.class)), UtcColumns.instant(row.get("finished_at", LocalDateTime.class)),
                counts, duration == null ? null : duration.longValue(), row.get("failure_reason", String.class), null);
    }

    private static int integer(Readable row, String column) {
        Number value = (Number) row.get(column);
        return value == null ? 0 : value.intValue();
    }
}
