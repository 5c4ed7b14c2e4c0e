package io.agentworkspace.workspace.web;

import io.swagger.v3.oas.annotations.Operation;
import org.springframework.lang.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.agentworkspace.infrastructure.BlockingWork;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import io.agentworkspace.workspace.DirectoryListing;
import io.agentworkspace.workspace.FileContent;
import io.agentworkspace.workspace.GitViews;
import io.agentworkspace.workspace.PullResult;
import io.agentworkspace.workspace.WorkspaceFiles;
import io.agentworkspace.workspace.WorkspaceGit;
import io.agentworkspace.workspace.WorkspacePuller;
import reactor.core.publisher.Mono;

/**
 * The read-only view of a project's workspace for the Control Center and the iPhone, plus the pull from origin.
 * Every {@code path} goes through {@code WorkspacePaths}; file and git work runs on the blocking pool.
 */
@RestController
@RequestMapping("/api/projects/{id}/workspace")
class WorkspaceController {

    private final WorkspaceFiles files;
    private final WorkspaceGit git;
    private final WorkspacePuller puller;
    private final BlockingWork blocking;

    WorkspaceController(WorkspaceFiles files, WorkspaceGit git, WorkspacePuller puller, BlockingWork blocking) {
        this.files = files;
        this.git = git;
        this.puller = puller;
        this.blocking = blocking;
    }

    @GetMapping("/tree")
    @PreAuthorize("hasAuthority('projects:read')")
    @Operation(operationId = "listWorkspaceDirectory", summary = "List a directory of the workspace")
    @ProblemTypes({"invalid-project-id", "workspace-not-found", "absolute-path", "path-traversal", "invalid-path",
            "path-too-long", "path-in-git-directory", "path-outside-workspace", "not-a-directory", "path-not-found"})
    Mono<DirectoryListing> tree(@PathVariable String id, @RequestParam(required = false) @Nullable String path) {
        return blocking.call(() -> files.list(id, path));
    }

    @GetMapping("/file")
    @PreAuthorize("hasAuthority('projects:read')")
    @Operation(operationId = "readWorkspaceFile",
            summary = "Read a file of the workspace (text, or marked binary or truncated)")
    @ProblemTypes({"invalid-project-id", "workspace-not-found", "absolute-path", "path-traversal", "invalid-path",
            "path-too-long", "path-in-git-directory", "path-outside-workspace", "not-a-file", "path-not-found"})
    Mono<FileContent> file(@PathVariable String id, @RequestParam String path) {
        return blocking.call(() -> files.read(id, path));
    }

    @GetMapping("/git/status")
    @PreAuthorize("hasAuthority('projects:read')")
    @Operation(operationId = "getWorkspaceGitStatus", summary = "The workspace's git status")
    @ProblemTypes({"invalid-project-id", "workspace-not-found", "workspace-not-a-repository",
            "workspace-repository-unsafe"})
    Mono<GitViews.Status> status(@PathVariable String id) {
        return blocking.call(() -> git.status(id));
    }

    @GetMapping("/git/log")
    @PreAuthorize("hasAuthority('projects:read')")
    @Operation(operationId = "getWorkspaceGitLog", summary = "The workspace's git log, optionally of one path")
    @ProblemTypes({"invalid-project-id", "workspace-not-found", "workspace-not-a-repository",
            "workspace-repository-unsafe", "absolute-path", "path-traversal", "invalid-path", "path-too-long",
            "path-in-git-directory", "path-outside-workspace"})
    Mono<GitViews.Log> log(@PathVariable String id, @RequestParam(required = false) @Nullable String path,
                           @RequestParam(defaultValue = "50") int limit) {
        return blocking.call(() -> git.log(id, path, limit));
    }

    @GetMapping("/git/diff")
    @PreAuthorize("hasAuthority('projects:read')")
    @Operation(operationId = "getWorkspaceGitDiff", summary = "The diff between two commits, optionally of one path")
    @ProblemTypes({"invalid-project-id", "workspace-not-found", "workspace-not-a-repository",
            "workspace-repository-unsafe", "invalid-commit", "commit-not-found", "absolute-path", "path-traversal",
            "invalid-path", "path-too-long", "path-in-git-directory", "path-outside-workspace"})
    Mono<GitViews.Diff> diff(@PathVariable String id, @RequestParam String from, @RequestParam String to,
                             @RequestParam(required = false) @Nullable String path) {
        return blocking.call(() -> git.diff(id, from, to, path));
    }

    @PostMapping("/pull")
    @PreAuthorize("hasAuthority('projects:write')")
    @Operation(operationId = "pullWorkspace", summary = "Fast-forward the workspace from its origin")
    @ProblemTypes({"invalid-project-id", "workspace-not-found", "workspace-not-a-repository",
            "workspace-repository-unsafe", "no-origin", "no-upstream", "detached-head", "pull-not-fast-forward",
            "pull-blocked-by-local-changes", "workspace-busy", "origin-unreachable"})
    Mono<PullResult> pull(@PathVariable String id) {
        return puller.pull(id);
    }
}
