package io.agentworkspace.project.web;

import java.net.URI;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.agentworkspace.auth.TokenPrincipal;
import io.agentworkspace.infrastructure.Ids;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import io.agentworkspace.project.ProjectSource;
import io.agentworkspace.project.ProjectView;
import io.agentworkspace.project.Projects;
import io.agentworkspace.project.RegisterProject;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/projects")
class ProjectController {

    /** What registration returns: the new project's id; its read model and clone follow asynchronously. */
    record Registration(String id, String name, String status) {
    }

    private final Commands commands;
    private final Projects projects;

    ProjectController(Commands commands, Projects projects) {
        this.commands = commands;
        this.projects = projects;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAuthority('projects:write')")
    @Operation(operationId = "registerProject", summary = "Register a git project; its workspace is cloned next",
            responses = @ApiResponse(responseCode = "202", description = "Registered; the clone follows"))
    @ProblemTypes({"invalid-project-source", "git-url-not-allowed", "local-path-not-allowed", "not-a-git-repository",
            "project-name-taken"})
    Mono<ResponseEntity<Registration>> register(@Valid @RequestBody RegisterProjectRequest request,
                                                @AuthenticationPrincipal TokenPrincipal caller) {
        String projectId = UUID.randomUUID().toString();
        String name = request.name().strip();
        RegisterProject command = new RegisterProject(projectId, name, sourceOf(request), caller.tokenId());
        return commands.send(command)
                .then(Mono.fromSupplier(() -> ResponseEntity.accepted()
                        .location(URI.create("/api/projects/" + projectId))
                        .body(new Registration(projectId, name, "cloning"))));
    }

    @GetMapping
    @PreAuthorize("hasAuthority('projects:read')")
    @Operation(operationId = "listProjects", summary = "List projects, a page at a time")
    Mono<Projects.Page> list(@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
                             @RequestParam(defaultValue = "0") @Min(0) int offset) {
        return projects.page(limit, offset);
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasAuthority('projects:read')")
    @Operation(operationId = "getProject", summary = "Get a project")
    @ProblemTypes({"invalid-project-id", "project-not-found"})
    Mono<ProjectView> get(@PathVariable String id) {
        if (!Ids.isUuid(id)) {
            return Mono.error(RejectedCommand.invalid("invalid-project-id", "id", "id must be a UUID"));
        }
        return projects.byId(id)
                .switchIfEmpty(Mono.error(() -> RejectedCommand.notFound("project-not-found", "No project " + id + ".")));
    }

    private static ProjectSource sourceOf(RegisterProjectRequest request) {
        boolean url = request.gitUrl() != null;
        boolean path = request.localPath() != null;
        if (url == path) {
            throw RejectedCommand.invalid("invalid-project-source", "gitUrl",
                    "give exactly one of gitUrl and localPath");
        }
        return url ? ProjectSource.gitUrl(request.gitUrl()) : ProjectSource.localPath(request.localPath());
    }
}
