package io.agentworkspace.projection.web;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.agentworkspace.infrastructure.BlockingWork;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import io.agentworkspace.projection.ProcessorProgress;
import io.agentworkspace.projection.ProjectionCatalog;
import io.agentworkspace.projection.ProjectionRebuilds;
import io.agentworkspace.projection.ProjectionVersions;
import io.agentworkspace.projection.RebuildProgress;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The read models for ops: each one's position, lag and status, and zero-downtime rebuilds with their progress. */
@RestController
@RequestMapping("/api/projections")
class ProjectionController {

    /**
     * @param status {@code live} (processing), {@code rebuilding}, {@code errored} (its processor is retrying a failed
     *               batch), {@code stopped} (its processor does not run on this node)
     * @param version      the manifest's version; {@code builtVersion} the one the live tables were built by (older:
     *                     a rebuild is due)
     * @param rebuildable  whether {@code POST /api/projections/{name}/rebuild} can rebuild it
     */
    record ProjectionView(String name, String processingGroup, int version, @Nullable Integer builtVersion,
                          boolean rebuildable, List<String> tables, String status, long position, long head, long lag,
                          @Nullable RebuildProgress rebuild) {
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");

    private final ProjectionRebuilds rebuilds;
    private final ProcessorProgress progress;
    private final ProjectionVersions versions;
    private final BlockingWork blocking;

    ProjectionController(ProjectionRebuilds rebuilds, ProcessorProgress progress, ProjectionVersions versions,
                         BlockingWork blocking) {
        this.rebuilds = rebuilds;
        this.versions = versions;
        this.progress = progress;
        this.blocking = blocking;
    }

    @GetMapping
    @PreAuthorize("hasAuthority('projections:read')")
    @Operation(operationId = "listProjections", summary = "List the read models with their progress")
    Flux<ProjectionView> list() {
        return blocking.call(() -> {
            Map<String, ProcessorProgress.Progress> processors = progress.sample();
            return rebuilds.catalog().all().stream().map(projection -> view(projection, processors)).toList();
        }).flatMapIterable(views -> views);
    }

    @GetMapping("/{name}")
    @PreAuthorize("hasAuthority('projections:read')")
    @Operation(operationId = "getProjection", summary = "Get a read model's progress")
    @ProblemTypes({"invalid-projection-name", "projection-not-found"})
    Mono<ProjectionView> get(@PathVariable String name) {
        ProjectionCatalog.Projection projection = named(name);
        return blocking.call(() -> view(projection, progress.sample()));
    }

    @PostMapping("/{name}/rebuild")
    @PreAuthorize("hasAuthority('projections:rebuild')")
    @Operation(operationId = "rebuildProjection", summary = "Rebuild a read model beside the live one, then swap",
            responses = @ApiResponse(responseCode = "202", description = "Started"))
    @ProblemTypes({"invalid-projection-name", "projection-not-found", "rebuild-in-progress",
            "projection-not-rebuildable", "projection-not-running"})
    Mono<ResponseEntity<RebuildProgress>> rebuild(@PathVariable String name) {
        named(name);
        return blocking.call(() -> rebuilds.start(name))
                .map(started -> ResponseEntity.accepted().location(URI.create("/api/projections/" + name)).body(started));
    }

    private ProjectionCatalog.Projection named(String name) {
        if (!NAME.matcher(name).matches()) {
            throw RejectedCommand.invalid("invalid-projection-name", "name",
                    "a projection name is lower-case letters, digits and dashes");
        }
        return rebuilds.catalog().named(name).orElseThrow(() -> RejectedCommand.notFound("projection-not-found",
                "No projection named '" + name + "'."));
    }

    private ProjectionView view(ProjectionCatalog.Projection projection, Map<String, ProcessorProgress.Progress> processors) {
        ProcessorProgress.Progress processor = processors.get(projection.processingGroup());
        RebuildProgress rebuild = rebuilds.progress(projection.name()).orElse(null);
        String status = rebuild != null && rebuild.running() ? "rebuilding"
                : processor == null || !processor.running() ? "stopped"
                : processor.errored() ? "errored" : "live";
        java.util.OptionalInt built = versions.built(projection.name());
        return new ProjectionView(projection.name(), projection.processingGroup(), projection.version(),
                built.isPresent() ? built.getAsInt() : null, projection.rebuildable(), projection.tables(), status, processor == null ? -1 : processor.position(), processor == null ? -1 : processor.head(),
                processor == null ? 0 : processor.lag(), rebuild);
    }
}
