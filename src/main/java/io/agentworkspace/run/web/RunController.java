package io.agentworkspace.run.web;

import java.net.URI;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
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
import io.agentworkspace.infrastructure.Ids;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import io.agentworkspace.run.QueueFigures;
import io.agentworkspace.run.QueueHistory;
import io.agentworkspace.run.RunDesk;
import io.agentworkspace.run.RunState;
import io.agentworkspace.run.RunView;
import io.agentworkspace.run.Runs;
import reactor.core.publisher.Mono;

@RestController
class RunController {

    /** The queue view: every queue with its figures. */
    record QueueView(java.util.List<QueueFigures> queues) {
    }

    private final RunDesk desk;
    private final Runs runs;

    RunController(RunDesk desk, Runs runs) {
        this.desk = desk;
        this.runs = runs;
    }

    @PostMapping(path = "/api/runs", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAuthority('runs:write')")
    @Operation(operationId = "startRun", summary = "Queue an agent run on a project",
            responses = @ApiResponse(responseCode = "202", description = "Queued"))
    @ProblemTypes({"unknown-project", "unknown-queue", "unknown-provider", "provider-disabled",
            "workspace-not-ready"})
    Mono<ResponseEntity<RunDesk.Accepted>> start(@Valid @RequestBody StartRunRequest request,
                                                 @AuthenticationPrincipal TokenPrincipal caller) {
        StartRunRequest.Limits limits = request.limits();
        RunDesk.Start start = new RunDesk.Start(request.projectId(), request.queue(), request.provider(),
                request.model(), request.prompt(), limits == null ? null : limits.timeoutSeconds(),
                limits == null ? null : limits.maxTokens(), limits == null ? null : limits.maxCostUsd(),
                request.onInterrupt());
        return desk.start(start, caller.tokenId()).map(RunController::accepted);
    }

    @PostMapping("/api/runs/{id}/cancel")
    @PreAuthorize("hasAuthority('runs:write')")
    @Operation(operationId = "cancelRun", summary = "Cancel a run",
            responses = @ApiResponse(responseCode = "202", description = "Cancel requested"))
    @ProblemTypes({"invalid-run-id", "run-not-found", "run-finished"})
    Mono<ResponseEntity<RunDesk.Accepted>> cancel(@PathVariable String id, @AuthenticationPrincipal TokenPrincipal caller) {
        return Mono.defer(() -> desk.cancel(id, caller.tokenId())).map(RunController::accepted);
    }

    @PostMapping("/api/runs/{id}/retry")
    @PreAuthorize("hasAuthority('runs:write')")
    @Operation(operationId = "retryRun", summary = "Queue an ended run again",
            responses = @ApiResponse(responseCode = "202", description = "Queued again"))
    @ProblemTypes({"invalid-run-id", "run-not-found", "run-not-finished"})
    Mono<ResponseEntity<RunDesk.Accepted>> retry(@PathVariable String id, @AuthenticationPrincipal TokenPrincipal caller) {
        return Mono.defer(() -> desk.retry(id, caller.tokenId())).map(RunController::accepted);
    }

    @GetMapping("/api/runs")
    @PreAuthorize("hasAuthority('runs:read')")
    @Operation(operationId = "listRuns", summary = "List runs, newest first, a page at a time")
    @ProblemTypes({"unknown-state", "unknown-queue", "invalid-project-id"})
    Mono<Runs.Page> list(@RequestParam(required = false) @Nullable String state,
                         @RequestParam(required = false) @Nullable String queue,
                         @RequestParam(required = false) @Nullable String project,
                         @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
                         @RequestParam(defaultValue = "0") @Min(0) int offset) {
        String stateFilter = blankToNull(state);
        String queueFilter = blankToNull(queue);
        String projectFilter = blankToNull(project);
        if (stateFilter != null && RunState.ofWireName(stateFilter).isEmpty()) {
            return Mono.error(RejectedCommand.invalid("unknown-state", "state",
                    "state must be one of queued, starting, running, succeeded, failed, cancelled, timed_out, interrupted"));
        }
        if (queueFilter != null && !RunDesk.QUEUES.contains(queueFilter)) {
            return Mono.error(RejectedCommand.invalid("unknown-queue", "queue",
                    "queue must be one of " + RunDesk.QUEUES));
        }
        if (projectFilter != null && !Ids.isUuid(projectFilter)) {
            return Mono.error(RejectedCommand.invalid("invalid-project-id", "project", "project must be a UUID"));
        }
        return runs.page(new Runs.Filter(stateFilter, queueFilter, projectFilter), limit, offset);
    }

    @GetMapping("/api/runs/{id}")
    @PreAuthorize("hasAuthority('runs:read')")
    @Operation(operationId = "getRun", summary = "Get a run")
    @ProblemTypes({"invalid-run-id", "run-not-found"})
    Mono<RunView> get(@PathVariable String id) {
        return Mono.defer(() -> {
            RunDesk.requireRunId(id);
            return runs.byId(id);
        }).switchIfEmpty(Mono.error(() -> RejectedCommand.notFound("run-not-found", "No run " + id + ".")));
    }

    @GetMapping("/api/queues")
    @PreAuthorize("hasAuthority('runs:read')")
    @Operation(operationId = "getQueues", summary = "The queues now: waiting, running, slots")
    Mono<QueueView> queues() {
        return runs.queues().map(QueueView::new);
    }

    /** The queues minute by minute over the last {@code minutes} (1-1440, default 60): the Control Center's chart. */
    @GetMapping("/api/queues/history")
    @PreAuthorize("hasAuthority('runs:read')")
    @Operation(operationId = "getQueueHistory", summary = "The queues minute by minute")
    Mono<QueueHistory> queueHistory(@RequestParam(defaultValue = "60") @Min(1) @Max(1440) int minutes) {
        return runs.history(minutes);
    }

    private static ResponseEntity<RunDesk.Accepted> accepted(RunDesk.Accepted accepted) {
        return ResponseEntity.accepted().location(URI.create("/api/runs/" + accepted.id())).body(accepted);
    }

    @Nullable
    private static String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
