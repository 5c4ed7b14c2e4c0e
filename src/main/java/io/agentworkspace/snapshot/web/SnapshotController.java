package io.agentworkspace.snapshot.web;

import java.net.URI;
import java.time.Clock;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.agentworkspace.auth.TokenPrincipal;
import io.agentworkspace.infrastructure.BlockingWork;
import io.agentworkspace.infrastructure.Ids;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import io.agentworkspace.snapshot.DeleteSnapshot;
import io.agentworkspace.snapshot.RequestSnapshot;
import io.agentworkspace.snapshot.RestoreReport;
import io.agentworkspace.snapshot.RetentionPolicy;
import io.agentworkspace.snapshot.SetSnapshotRetention;
import io.agentworkspace.snapshot.SnapshotRestorer;
import io.agentworkspace.snapshot.SnapshotView;
import io.agentworkspace.snapshot.Snapshots;
import io.agentworkspace.workspace.Workspaces;
import reactor.core.publisher.Mono;

/** Snapshots of a project's workspace: take (asynchronous), list, read, restore, delete, and the retention policy. */
@RestController
@RequestMapping("/api/projects/{id}")
class SnapshotController {

    record SnapshotRequest(
            @Nullable @Size(max = 200) @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
            String label) {
    }

    record Requested(String id, String projectId, String status) {
    }

    record RetentionRequest(@Nullable @Min(1) @Max(10000) Integer keepLast,
                            @Nullable @Min(60) @Max(100L * 366 * 24 * 3600) Long maxAgeSeconds) {
    }

    private final Commands commands;
    private final Snapshots snapshots;
    private final SnapshotRestorer restorer;
    private final Workspaces workspaces;
    private final BlockingWork blocking;
    private final Clock clock;

    SnapshotController(Commands commands, Snapshots snapshots, SnapshotRestorer restorer, Workspaces workspaces,
                       BlockingWork blocking, Clock clock) {
        this.commands = commands;
        this.snapshots = snapshots;
        this.restorer = restorer;
        this.workspaces = workspaces;
        this.blocking = blocking;
        this.clock = clock;
    }

    @PostMapping(path = "/snapshots")
    @PreAuthorize("hasAuthority('snapshots:write')")
    @Operation(operationId = "takeSnapshot", summary = "Snapshot the workspace; the archive is written next",
            responses = @ApiResponse(responseCode = "202", description = "Requested"))
    @ProblemTypes({"invalid-project-id", "workspace-not-found"})
    Mono<ResponseEntity<Requested>> take(@PathVariable String id, @Valid @RequestBody(required = false) @Nullable SnapshotRequest request,
                                         @AuthenticationPrincipal TokenPrincipal caller) {
        String snapshotId = UUID.randomUUID().toString();
        String label = request == null || request.label() == null || request.label().isBlank() ? null : request.label().strip();
        return blocking.call(() -> workspaces.existing(id))
                .then(commands.send(new RequestSnapshot(id, snapshotId, label, caller.tokenId(), clock.instant())))
                .then(Mono.fromSupplier(() -> ResponseEntity.accepted()
                        .location(URI.create("/api/projects/" + id + "/snapshots/" + snapshotId))
                        .body(new Requested(snapshotId, id, "requested"))));
    }

    @GetMapping("/snapshots")
    @PreAuthorize("hasAuthority('snapshots:read')")
    @Operation(operationId = "listSnapshots", summary = "List the project's snapshots, a page at a time")
    @ProblemTypes("invalid-project-id")
    Mono<Snapshots.Page> list(@PathVariable String id, @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
                              @RequestParam(defaultValue = "0") @Min(0) int offset,
                              @RequestParam(defaultValue = "false") boolean includeDeleted) {
        requireUuid(id, "id");
        return snapshots.page(id, includeDeleted, limit, offset);
    }

    @GetMapping("/snapshots/{snapshotId}")
    @PreAuthorize("hasAuthority('snapshots:read')")
    @Operation(operationId = "getSnapshot", summary = "Get a snapshot")
    @ProblemTypes({"invalid-project-id", "invalid-snapshot-id", "snapshot-not-found"})
    Mono<SnapshotView> get(@PathVariable String id, @PathVariable String snapshotId) {
        requireUuid(id, "id");
        requireUuid(snapshotId, "snapshotId");
        return snapshots.byId(id, snapshotId).switchIfEmpty(Mono.error(() -> RejectedCommand.notFound(
                "snapshot-not-found", "No snapshot " + snapshotId + " in this project.")));
    }

    @PostMapping("/snapshots/{snapshotId}/restore")
    @PreAuthorize("hasAuthority('snapshots:write')")
    @Operation(operationId = "restoreSnapshot", summary = "Restore the workspace to a snapshot")
    @ProblemTypes({"invalid-project-id", "invalid-snapshot-id", "snapshot-not-found", "snapshot-in-progress",
            "snapshot-not-restorable", "snapshot-archive-corrupt", "snapshot-archive-missing", "workspace-busy",
            "snapshot-driver-unavailable"})
    Mono<RestoreReport> restore(@PathVariable String id, @PathVariable String snapshotId,
                                @AuthenticationPrincipal TokenPrincipal caller) {
        requireUuid(id, "id");
        requireUuid(snapshotId, "snapshotId");
        return restorer.restore(id, snapshotId, caller.tokenId());
    }

    @DeleteMapping("/snapshots/{snapshotId}")
    @PreAuthorize("hasAuthority('snapshots:write')")
    @Operation(operationId = "deleteSnapshot", summary = "Delete a snapshot and its archive",
            responses = @ApiResponse(responseCode = "204", description = "Deleted"))
    @ProblemTypes({"invalid-project-id", "invalid-snapshot-id", "snapshot-not-found", "snapshot-in-progress"})
    Mono<ResponseEntity<Void>> delete(@PathVariable String id, @PathVariable String snapshotId,
                                      @AuthenticationPrincipal TokenPrincipal caller) {
        requireUuid(id, "id");
        requireUuid(snapshotId, "snapshotId");
        return commands.send(new DeleteSnapshot(id, snapshotId, caller.tokenId(), clock.instant()))
                .onErrorMap(AggregateNotFoundException.class, e -> RejectedCommand.notFound("snapshot-not-found",
                        "No snapshot " + snapshotId + " in this project."))
                .then(Mono.fromSupplier(() -> ResponseEntity.noContent().build()));
    }

    @GetMapping("/snapshot-retention")
    @PreAuthorize("hasAuthority('snapshots:read')")
    @Operation(operationId = "getSnapshotRetention", summary = "The project's snapshot retention")
    @ProblemTypes("invalid-project-id")
    Mono<Snapshots.Retention> retention(@PathVariable String id) {
        requireUuid(id, "id");
        return snapshots.retention(id);
    }

    @PutMapping(path = "/snapshot-retention", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAuthority('snapshots:write')")
    @Operation(operationId = "setSnapshotRetention", summary = "Set how many and how old snapshots are kept")
    @ProblemTypes({"invalid-project-id", "workspace-not-found"})
    Mono<ResponseEntity<Snapshots.Retention>> setRetention(@PathVariable String id,
                                                           @Valid @RequestBody RetentionRequest request,
                                                           @AuthenticationPrincipal TokenPrincipal caller) {
        RetentionPolicy policy = new RetentionPolicy(request.keepLast(), request.maxAgeSeconds());
        return blocking.call(() -> workspaces.existing(id))
                .then(commands.send(new SetSnapshotRetention(id, policy, caller.tokenId(), clock.instant())))
                .then(Mono.fromSupplier(() -> ResponseEntity.ok(new Snapshots.Retention(id, policy.keepLast(),
                        policy.maxAgeSeconds(), caller.tokenId(), null))));
    }

    private static void requireUuid(String value, String field) {
        if (!Ids.isUuid(value)) {
            throw RejectedCommand.invalid(field.equals("id") ? "invalid-project-id" : "invalid-snapshot-id", field,
                    field + " must be a UUID");
        }
    }
}
