package io.agentworkspace.rag;

import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.Polling;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.project.ProjectView;
import io.agentworkspace.project.Projects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reindexing, for the API, the ops CLI and the modules whose events change a workspace (snapshot restore, pull).
 * A request is an event ({@link RagIndexRequested}); the job runs asynchronously and its outcome is an event too.
 * {@link #reindex} and {@link #reindexAll} also wait for the outcome, reporting progress on the way.
 */
@Component
public class RagIndexing {

    private static final Pattern REASON = Pattern.compile("[a-z][a-z0-9-]{0,99}");
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration READ_YOUR_WRITES = Duration.ofSeconds(10);

    private final Commands commands;
    private final Projects projects;
    private final IndexRuns runs;

    RagIndexing(Commands commands, Projects projects, IndexRuns runs) {
        this.commands = commands;
        this.projects = projects;
        this.runs = runs;
    }

    /**
     * Asks for an index run of one project and returns it as soon as the read model shows it (status requested).
     *
     * @param reason      what asks, as a slug: api, cli, all, snapshot-restored, workspace-pulled, ...
     * @param requestedBy a token id, or {@code system}
     */
    public Mono<IndexRunView> request(String projectId, String reason, String requestedBy) {
        if (!REASON.matcher(reason).matches()) {
            return Mono.error(new IllegalArgumentException("reason must be a lower-case slug"));
        }
        return ProjectIds.existing(projects, projectId)
                .flatMap(project -> requireReady(project)
                        .then(Mono.defer(() -> {
                            String runId = UUID.randomUUID().toString();
                            return commands.send(new RequestRagIndex(runId, projectId, reason, requestedBy))
                                    .then(awaitVisible(runId));
                        })));
    }

    /** Runs one project's index and completes with the finished run; progress goes to the listener meanwhile. */
    public Mono<IndexRunView> reindex(String projectId, String reason, String requestedBy, IndexProgressListener listener) {
        return request(projectId, reason, requestedBy).flatMap(run -> awaitFinished(run.runId(), listener));
    }

    /** Asks for an index run of every project whose workspace is ready. */
    public Flux<IndexRunView> requestAll(String reason, String requestedBy) {
        return readyProjects().concatMap(project -> request(project.id(), reason, requestedBy));
    }

    /** Reindexes every project whose workspace is ready, one run per project; emits each finished run. */
    public Flux<IndexRunView> reindexAll(String reason, String requestedBy, IndexProgressListener listener) {
        return requestAll(reason, requestedBy).collectList()
                .flatMapMany(requested -> Flux.fromIterable(requested)
                        .concatMap(run -> awaitFinished(run.runId(), listener)));
    }

    /** Completes when the project exists; a refusal (400 bad id, 404 unknown) otherwise. */
    public Mono<Void> project(String projectId) {
        return ProjectIds.existing(projects, projectId).then();
    }

    public Mono<IndexRunView> run(String runId) {
        return runs.byId(runId);
    }

    public Flux<IndexRunView> runs(String projectId, int limit) {
        return runs.ofProject(projectId, limit);
    }

    private Flux<ProjectView> readyProjects() {
        int page = 500;
        return Flux.range(0, Integer.MAX_VALUE)
                .concatMap(index -> projects.page(page, index * page))
                .takeUntil(result -> result.offset() + result.items().size() >= result.total() || result.items().isEmpty())
                .flatMapIterable(Projects.Page::items)
                .filter(project -> "ready".equals(project.workspace().status()));
    }

    private static Mono<Void> requireReady(ProjectView project) {
        if (!"ready".equals(project.workspace().status())) {
            return Mono.error(RejectedCommand.conflict("workspace-not-ready",
                    "The workspace of project " + project.id() + " is " + project.workspace().status()
                            + "; it can be indexed once it is ready."));
        }
        return Mono.empty();
    }

    private Mono<IndexRunView> awaitVisible(String runId) {
        return runs.byId(runId)
                .repeatWhenEmpty(repeats -> repeats.delayElements(Duration.ofMillis(20)))
                .timeout(READ_YOUR_WRITES, Mono.error(() -> new RejectedCommand(RejectedCommand.Reason.UNAVAILABLE,
                        "projection-lagging", null, "The index run " + runId + " was requested but is not visible yet.")));
    }

    private Mono<IndexRunView> awaitFinished(String runId, IndexProgressListener listener) {
        return Polling.every(Duration.ZERO, POLL, () -> runs.byId(runId))
                .doOnNext(run -> {
                    if (run.progress() != null) {
                        listener.onProgress(run.progress());
                    }
                })
                .filter(IndexRunView::finished)
                .next();
    }
}
