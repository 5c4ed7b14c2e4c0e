package io.agentworkspace.snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.MessageHandlerTimeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.Directories;
import io.agentworkspace.infrastructure.FailureReasons;
import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.workspace.SafeGit;
import io.agentworkspace.workspace.WorkspaceLease;
import io.agentworkspace.workspace.WorkspaceLocks;
import io.agentworkspace.workspace.Workspaces;

/**
 * Takes the snapshots that were asked for and removes the archives of deleted ones. Driven by the event history
 * through its own processor, so a snapshot interrupted by a crash is taken again after restart (the aggregate
 * records only the first outcome), and a deleted archive is removed at least once.
 *
 * <p>The archive is written under the workspace lock, so no writer that honours the lock changes the tree while
 * it is read; the upload to the store happens after the lock is released.
 */
@Component
@ProcessingGroup(SnapshotWorker.PROCESSOR)
class SnapshotWorker implements DisposableBean {

    static final String PROCESSOR = "snapshot-worker";
    private static final Logger log = LoggerFactory.getLogger(SnapshotWorker.class);
    /** Also the processor's unit-of-work limit (axon.timeout.transaction.event-processor.snapshot-worker). */
    static final int HANDLER_TIMEOUT_MS = 4 * 3600 * 1000;

    private final Workspaces workspaces;
    private final WorkspaceLocks locks;
    private final Commands commands;
    private final EventStore eventStore;
    private final ArchiveStores stores;
    private final SnapshotFiles files;
    private final SnapshotSettings settings;
    private final Clock clock;
    private final ExecutorService jobs;

    SnapshotWorker(Workspaces workspaces, WorkspaceLocks locks, Commands commands, EventStore eventStore,
                   ArchiveStores stores, SnapshotFiles files, SnapshotSettings settings, Clock clock) {
        this.workspaces = workspaces;
        this.locks = locks;
        this.commands = commands;
        this.eventStore = eventStore;
        this.stores = stores;
        this.files = files;
        this.settings = settings;
        this.clock = clock;
        this.jobs = Executors.newFixedThreadPool(settings.workerConcurrency(), new CustomizableThreadFactory("snapshot-"));
    }

    /** Axon's default would interrupt a handler after 30 s: a large workspace or a slow store takes longer. */
    @EventHandler
    @MessageHandlerTimeout(timeoutMs = HANDLER_TIMEOUT_MS, warningThresholdMs = 600_000, warningIntervalMs = 60_000)
    void on(SnapshotRequested requested) {
        if (outcomeRecorded(requested)) {
            return;
        }
        // on a thread of our own: the outcome command commits in a unit of work of its own, not nested in this one
        CompletableFuture.runAsync(() -> takeAndRecord(requested), jobs).join();
    }

    @EventHandler
    @MessageHandlerTimeout(timeoutMs = HANDLER_TIMEOUT_MS, warningThresholdMs = 600_000, warningIntervalMs = 60_000)
    void on(SnapshotDeleted deleted) throws Exception {
        if (deleted.driver() == null || deleted.archiveKey() == null) {
            return;
        }
        ArchiveStore store;
        try {
            store = stores.of(deleted.driver());
        } catch (io.agentworkspace.infrastructure.RejectedCommand unavailable) {
            log.warn("archive of deleted snapshot {} left in place: {}", deleted.snapshotId(), unavailable.getMessage());
            return;
        }
        // a store that fails (S3 unreachable) fails the batch, and the processor tries again later
        store.delete(deleted.archiveKey());
        log.info("archive of snapshot {} removed ({})", deleted.snapshotId(), deleted.reason());
    }

    private boolean outcomeRecorded(SnapshotRequested requested) {
        return eventStore.readEvents(ProjectSnapshotsId.of(requested.projectId())).asStream()
                .map(event -> event.getPayload())
                .anyMatch(payload -> payload instanceof SnapshotCreated created && created.snapshotId().equals(requested.snapshotId())
                        || payload instanceof SnapshotFailed failed && failed.snapshotId().equals(requested.snapshotId()));
    }

    private void takeAndRecord(SnapshotRequested requested) {
        String snapshotId = requested.snapshotId();
        Path scratch = null;
        try {
            scratch = files.newScratch("take-" + snapshotId);
            Path archive = scratch.resolve("archive.tar.gz");
            ArchiveStore store = stores.current();
            String key = requested.projectId() + "/" + snapshotId + ".tar.gz";
            WorkspaceLease lease = locks.acquire(requested.projectId(), settings.lockWait()).block();
            WorkspaceArchive.Captured captured;
            String commit;
            try {
                Path workspace = workspaces.of(requested.projectId());
                if (!Files.isDirectory(workspace)) {
                    throw new IllegalStateException("the project has no workspace");
                }
                commit = SafeGit.headOf(workspace);
                captured = WorkspaceArchive.capture(workspace, archive, settings.compressionLevel());
            } finally {
                lease.release().block();
            }
            store.store(key, archive);
            commands.sendAndWait(new RecordSnapshotCreated(new SnapshotCreated(snapshotId,
                    requested.projectId(), commit, store.driver(), key, captured.sizeBytes(), captured.contentBytes(),
                    captured.fileCount(), captured.sha256(), lease.fencingToken(), clock.instant()),
                    settings.retention().policy()));
            log.info("snapshot {} of project {} stored by {}: {} files, {} bytes", snapshotId, requested.projectId(),
                    store.driver(), captured.fileCount(), captured.sizeBytes());
        } catch (Exception failure) {
            String reason = reasonOf(failure);
            log.warn("snapshot {} of project {} failed: {}", snapshotId, requested.projectId(), reason);
            commands.sendAndWait(new RecordSnapshotFailed(new SnapshotFailed(snapshotId,
                    requested.projectId(), reason, clock.instant())));
        } finally {
            if (scratch != null) {
                Directories.deleteQuietly(scratch);
            }
        }
    }

    static String reasonOf(Throwable failure) {
        return FailureReasons.clean(failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
    }

    @Override
    public void destroy() {
        jobs.shutdownNow();
    }
}
