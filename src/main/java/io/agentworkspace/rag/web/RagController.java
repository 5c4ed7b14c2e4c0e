package io.agentworkspace.rag.web;

import java.net.URI;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.agentworkspace.auth.TokenPrincipal;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import io.agentworkspace.rag.IndexRunView;
import io.agentworkspace.rag.RagIndexing;
import io.agentworkspace.rag.RagSearch;
import io.agentworkspace.rag.SearchResult;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Search over a project's workspace, and its index runs. */
@RestController
class RagController {

    /** {@code k} defaults to 10; {@code pathPrefix} is optional. Limits: docs/rag.md. */
    record SearchRequest(@Nullable String query, @Nullable Integer k, @Nullable String pathPrefix) {
    }

    record Requested(String runId, String projectId, String status) {
    }

    private final RagSearch search;
    private final RagIndexing indexing;

    RagController(RagSearch search, RagIndexing indexing) {
        this.search = search;
        this.indexing = indexing;
    }

    @PostMapping(path = "/api/projects/{id}/search", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAuthority('projects:read')")
    @Operation(operationId = "searchProject", summary = "Search a project's workspace by meaning (RAG)")
    @ProblemTypes({"validation-failed", "invalid-project-id", "project-not-found"})
    Mono<SearchResult> search(@PathVariable String id, @RequestBody SearchRequest request) {
        return search.search(id, request.query(), request.k(), request.pathPrefix());
    }

    @PostMapping("/api/projects/{id}/rag/reindex")
    @PreAuthorize("hasAuthority('projects:write')")
    @Operation(operationId = "reindexProject", summary = "Reindex a project's workspace for search",
            responses = @ApiResponse(responseCode = "202", description = "Requested"))
    @ProblemTypes({"invalid-project-id", "project-not-found", "workspace-not-ready", "projection-lagging"})
    Mono<ResponseEntity<Requested>> reindex(@PathVariable String id, @AuthenticationPrincipal TokenPrincipal caller) {
        return indexing.request(id, "api", caller.tokenId())
                .map(run -> ResponseEntity.accepted()
                        .location(URI.create("/api/projects/" + id + "/rag/runs/" + run.runId()))
                        .body(new Requested(run.runId(), id, run.status())));
    }

    /** Reindexes every project whose workspace is ready; answers once all are requested. */
    @PostMapping("/api/rag/reindex")
    @PreAuthorize("hasAuthority('projects:write')")
    @Operation(operationId = "reindexAllProjects", summary = "Reindex every project whose workspace is ready",
            responses = @ApiResponse(responseCode = "202", description = "Requested"))
    @ProblemTypes("projection-lagging")
    Mono<ResponseEntity<Flux<Requested>>> reindexAll(@AuthenticationPrincipal TokenPrincipal caller) {
        return indexing.requestAll("api", caller.tokenId())
                .map(run -> new Requested(run.runId(), run.projectId(), run.status()))
                .collectList()
                .map(requested -> ResponseEntity.accepted().body(Flux.fromIterable(requested)));
    }

    @GetMapping("/api/projects/{id}/rag/runs")
    @PreAuthorize("hasAuthority('projects:read')")
    @Operation(operationId = "listIndexRuns", summary = "List a project's index runs, newest first")
    @ProblemTypes({"invalid-project-id", "project-not-found"})
    Flux<IndexRunView> runs(@PathVariable String id,
                            @RequestParam(defaultValue = "20") @Min(1) @Max(200) int limit) {
        return indexing.project(id).thenMany(indexing.runs(id, limit));
    }

    @GetMapping("/api/projects/{id}/rag/runs/{runId}")
    @PreAuthorize("hasAuthority('projects:read')")
    @Operation(operationId = "getIndexRun", summary = "Get an index run")
    @ProblemTypes({"invalid-project-id", "project-not-found", "index-run-not-found"})
    Mono<IndexRunView> run(@PathVariable String id, @PathVariable String runId) {
        return indexing.project(id).then(indexing.run(runId))
                .filter(run -> run.projectId().equals(id))
                .switchIfEmpty(Mono.error(() -> RejectedCommand.notFound("index-run-not-found",
                        "No index run " + runId + " of project " + id + ".")));
    }
}
