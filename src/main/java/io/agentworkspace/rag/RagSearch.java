package io.agentworkspace.rag;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.lang.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.project.Projects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Searches a project's chunks: the query is embedded, then scored exactly against every chunk of the project's
 * in-memory vectors ({@link ExactTopK}) on the search threads, and the texts of the top k are read (R2DBC). The one
 * entry point for the HTTP API and for agents (through {@link RagSearchTool}); input is checked here, so both refuse
 * the same things the same way.
 */
@Component
public class RagSearch {

    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final Projects projects;
    private final Embedder embedder;
    private final VectorCache cache;
    private final ExactTopK topK;
    private final Scheduler searchThreads;
    private final DatabaseClient db;
    private final RagSettings.Search settings;
    private final Timer latency;

    RagSearch(Projects projects, Embedder embedder, VectorCache cache, ExactTopK topK, Scheduler ragSearchScheduler,
              DatabaseClient db, RagSettings settings, MeterRegistry meters) {
        this.projects = projects;
        this.embedder = embedder;
        this.cache = cache;
        this.topK = topK;
        this.searchThreads = ragSearchScheduler;
        this.db = db;
        this.settings = settings.search();
        this.latency = Timer.builder("agent.rag.search.scan").description("Exact top-k scan of one search")
                .publishPercentileHistogram().minimumExpectedValue(java.time.Duration.ofMillis(1))
                .maximumExpectedValue(java.time.Duration.ofSeconds(30)).register(meters);
    }

    /**
     * @param k          results wanted, 1..{@code agent.rag.search.max-k}
     * @param pathPrefix only chunks of files whose workspace-relative path starts with it
     */
    public Mono<SearchResult> search(String projectId, @Nullable String query, @Nullable Integer k,
                                     @Nullable String pathPrefix) {
        int wanted = k == null ? 10 : k;
        String prefix = pathPrefix == null ? "" : pathPrefix;
        return Mono.defer(() -> {
            checkQuery(query);
            checkK(wanted);
            checkPrefix(prefix);
            return ProjectIds.existing(projects, projectId)
                    // a remote embedder answers on an event loop: everything after it runs on the search threads
                    .then(embedder.embed(List.of(query)).subscribeOn(searchThreads).publishOn(searchThreads))
                    .flatMap(vectors -> Mono.fromFuture(() -> cache.get(projectId))
                            .publishOn(searchThreads)
                            .map(snapshot -> scan(snapshot, vectors.get(0), wanted, prefix))
                            .flatMap(found -> withTexts(projectId, found.snapshot(), found.hits())
                                    .map(hits -> new SearchResult(projectId, embedder.id(), wanted,
                                            found.snapshot().size, hits))));
        });
    }

    private record Found(ProjectVectors snapshot, List<ExactTopK.Hit> hits) {
    }

    private Found scan(ProjectVectors snapshot, float[] queryVector, int k, String prefix) {
        float[] query = unit(queryVector);
        if (query == null || snapshot.size == 0) {
            return new Found(snapshot, List.of());
        }
        int[] range = snapshot.rowRange(prefix);
        long started = System.nanoTime();
        List<ExactTopK.Hit> hits = topK.search(snapshot, query, k, range[0], range[1], settings.prefilter());
        latency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        return new Found(snapshot, hits);
    }

    private Mono<List<SearchHit>> withTexts(String projectId, ProjectVectors snapshot, List<ExactTopK.Hit> hits) {
        if (hits.isEmpty()) {
            return Mono.just(List.of());
        }
        List<Long> ids = hits.stream().map(ExactTopK.Hit::id).toList();
        return db.sql("SELECT id, start_line, end_line, text FROM rag_chunks WHERE project_id = :project AND id IN (:ids)")
                .bind("project", projectId).bind("ids", ids)
                .map(row -> new Object[] {((Number) row.get("id")).longValue(), ((Number) row.get("start_line")).intValue(),
                        ((Number) row.get("end_line")).intValue(), row.get("text", String.class)})
                .all()
                .collectList()
                .map(rows -> {
                    Map<Long, Object[]> byId = new HashMap<>();
                    rows.forEach(row -> byId.put((Long) row[0], row));
                    List<SearchHit> result = new ArrayList<>(hits.size());
                    for (ExactTopK.Hit hit : hits) {
                        Object[] row = byId.get(hit.id());
                        // a chunk an index run removed after the vectors were read is left out
                        if (row != null) {
                            result.add(new SearchHit(hit.id(), snapshot.pathOfRow(hit.row()), (Integer) row[1],
                                    (Integer) row[2], hit.score(), (String) row[3]));
                        }
                    }
                    return result;
                });
    }

    @Nullable
    private static float[] unit(float[] vector) {
        double squares = 0;
        for (float x : vector) {
            squares += (double) x * x;
        }
        if (squares == 0) {
            return null;
        }
        double norm = Math.sqrt(squares);
        float[] unit = new float[vector.length];
        for (int j = 0; j < vector.length; j++) {
            unit[j] = (float) (vector[j] / norm);
        }
        return unit;
    }

    private void checkQuery(@Nullable String query) {
        if (query == null || query.isBlank()) {
            throw invalid("query", "query must not be blank");
        }
        if (query.length() > settings.maxQueryChars()) {
            throw invalid("query", "query must be at most " + settings.maxQueryChars() + " characters");
        }
    }

    private void checkK(int k) {
        if (k < 1 || k > settings.maxK()) {
            throw invalid("k", "k must be between 1 and " + settings.maxK());
        }
    }

    private static void checkPrefix(String prefix) {
        if (prefix.length() > WorkspaceFiles.MAX_PATH || CONTROL.matcher(prefix).find() || prefix.startsWith("/")
                || prefix.contains("\\") || prefix.equals("..") || prefix.startsWith("../") || prefix.contains("/../")
                || prefix.endsWith("/..")) {
            throw invalid("pathPrefix", "pathPrefix must be a workspace-relative path of at most "
                    + WorkspaceFiles.MAX_PATH + " characters, with '/' separators and no '..' segments");
        }
    }

    private static RejectedCommand invalid(String field, String message) {
        return RejectedCommand.invalid("validation-failed", field, message);
    }
}
