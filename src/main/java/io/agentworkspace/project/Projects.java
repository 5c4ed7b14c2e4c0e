package io.agentworkspace.project;

import java.time.LocalDateTime;
import java.util.List;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

import io.agentworkspace.infrastructure.persistence.UtcColumns;

/** Reads the {@code projects} read model, non-blocking, through R2DBC. */
@Component
public class Projects {

    public record Page(List<ProjectView> items, long total, int limit, int offset) {
    }

    private static final String COLUMNS = "id, name, source_kind, source, status, head_commit, branch, cloned_at, "
            + "failure_reason, registered_at, updated_at, version";

    private final DatabaseClient db;

    Projects(DatabaseClient db) {
        this.db = db;
    }

    public Mono<ProjectView> byId(String id) {
        return db.sql("SELECT " + COLUMNS + " FROM projects WHERE id = :id")
                .bind("id", id)
                .map(Projects::view)
                .one();
    }

    public Mono<Page> page(int limit, int offset) {
        Mono<List<ProjectView>> items = db.sql("SELECT " + COLUMNS
                        + " FROM projects ORDER BY registered_at, id LIMIT :limit OFFSET :offset")
                .bind("limit", limit)
                .bind("offset", offset)
                .map(Projects::view)
                .all()
                .collectList();
        Mono<Long> total = db.sql("SELECT COUNT(*) AS n FROM projects")
                .map(row -> ((Number) row.get("n")).longValue())
                .one();
        return Mono.zip(items, total, (list, count) -> new Page(list, count, limit, offset));
    }

    private static ProjectView view(Readable row) {
        return new ProjectView(
                row.get("id", String.class),
                row.get("name", String.class),
                new ProjectView.Source(row.get("source_kind", String.class), row.get("source", String.class)),
                new ProjectView.Workspace(row.get("status", String.class), row.get("head_commit", String.class),
                        row.get("branch", String.class), UtcColumns.instant(row.get("cloned_at", LocalDateTime.class)),
                        row.get("failure_reason", String.class)),
                UtcColumns.instant(row.get("registered_at", LocalDateTime.class)),
                UtcColumns.instant(row.get("updated_at", LocalDateTime.class)),
                ((Number) row.get("version")).longValue());
    }
}
