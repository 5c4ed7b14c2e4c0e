package io.agentworkspace.project;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.MessageHandlerTimeout;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.Directories;
import io.agentworkspace.infrastructure.FailureReasons;
import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.workspace.RemoteAddresses;
import io.agentworkspace.workspace.SafeGit;
import io.agentworkspace.workspace.WorkspaceLease;
import io.agentworkspace.workspace.WorkspaceLocks;
import io.agentworkspace.workspace.Workspaces;

/**
 * Clones the workspace of every newly registered project and records the outcome as an event. Driven by the
 * event history through its own processor, so a clone interrupted by a crash runs again after restart; the
 * aggregate ignores a second outcome. A clone is built in a temporary directory and moved into place, so a
 * workspace directory is either absent or complete.
 */
@Component
@ProcessingGroup(WorkspaceCloner.PROCESSOR)
class WorkspaceCloner implements DisposableBean {

    static final String PROCESSOR = "workspace-cloner";
    private static final Logger log = LoggerFactory.getLogger(WorkspaceCloner.class);
    static final int HANDLER_TIMEOUT_MS = 2 * 60 * 60 * 1000;
    static final String GENERIC_FAILURE = "The repository could not be cloned: it is unreachable, does not exist, "
            + "refused access, or is not allowed on this server (details in the server log).";

    private final Workspaces workspaces;
    private final WorkspaceLocks locks;
    private final Commands commands;
    private final EventStore eventStore;
    private final ProjectSettings settings;
    private final Clock clock;
    private final ExecutorService jobs;
    private final RemoteAddresses remotes;

    WorkspaceCloner(Workspaces workspaces, WorkspaceLocks locks, Commands commands, EventStore eventStore,
                    ProjectSettings settings, Clock clock, RemoteAddresses remotes) {
        this.remotes = remotes;
        this.workspaces = workspaces;
        this.locks = locks;
        this.commands = commands;
        this.eventStore = eventStore;
        this.settings = settings;
        this.clock = clock;
        this.jobs = Executors.newFixedThreadPool(settings.cloneConcurrency(), new CustomizableThreadFactory("workspace-clone-"));
    }

    /** A clone may take minutes (agent.projects.clone-timeout); Axon would interrupt a handler after 30 s. */
    @EventHandler
    @MessageHandlerTimeout(timeoutMs = HANDLER_TIMEOUT_MS, warningThresholdMs = 300_000, warningIntervalMs = 60_000)
    void on(ProjectRegistered registered) {
        if (outcomeRecorded(registered.projectId())) {
            return;
        }
        // run on a thread of our own: the outcome command then commits in a unit of work of its own rather than
        // nested inside this processor's
        CompletableFuture.runAsync(() -> cloneAndRecord(registered), jobs).join();
    }

    private boolean outcomeRecorded(String projectId) {
        return eventStore.readEvents(projectId).asStream()
                .anyMatch(event -> event.getPayload() instanceof WorkspaceCloned
                        || event.getPayload() instanceof WorkspaceCloneFailed);
    }

    private void cloneAndRecord(ProjectRegistered registered) {
        String projectId = registered.projectId();
        WorkspaceLease lease = locks.acquire(projectId, settings.lockWait()).block();
        try {
            Cloned cloned = cloneInto(workspaces.of(projectId), registered, lease);
            commands.sendAndWait(new RecordWorkspaceCloned(projectId, cloned.headCommit(), cloned.branch(),
                    lease.fencingToken(), clock.instant()));
            log.info("workspace of project {} cloned at {}", projectId, cloned.headCommit());
        } catch (Exception failure) {
            // the details (host, address, refusal, server answer) only in the log: the event and the API would make
            // registration a scanner of what the server can reach
            log.warn("workspace of project {} could not be cloned: {}", projectId, reasonOf(failure));
            commands.sendAndWait(new RecordWorkspaceCloneFailed(projectId, GENERIC_FAILURE, clock.instant()));
        } finally {
            lease.release().block();
        }
    }

    private record Cloned(String headCommit, String branch) {
    }

    private Cloned cloneInto(Path target, ProjectRegistered registered, WorkspaceLease lease) throws Exception {
        Path staging = workspaces.root().resolve(".clone-" + registered.projectId() + "-" + UUID.randomUUID());
        try {
            String uri = registered.sourceKind().equals(ProjectSource.Kind.LOCAL_PATH.wireName())
                    ? Path.of(registered.source()).toUri().toString() : registered.source();
            Cloned cloned = remotes.guard(() -> {
                try (Git git = Git.cloneRepository().setURI(uri).setDirectory(staging.toFile()).setFs(SafeGit.fs())
                        .setTimeout((int) settings.cloneTimeout().toSeconds()).setCloneAllBranches(false).call()) {
                    Repository repository = git.getRepository();
                    String head = SafeGit.head(repository);
                    return new Cloned(head, head == null ? null : repository.getBranch());
                }
            });
            lease.verify().block();
            // a clone's files carry the process's umask; the workspace directory itself is the owner's alone
            Files.setPosixFilePermissions(staging, DataDirectory.OWNER_ONLY);
            Directories.deleteRecursively(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return cloned;
        } finally {
            Directories.deleteRecursively(staging);
        }
    }

    private static String reasonOf(Throwable failure) {
        return FailureReasons.of(failure);
    }

    @Override
    public void destroy() {
        jobs.shutdownNow();
    }
}
