package io.agentworkspace.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.BlockingWork;
import io.agentworkspace.infrastructure.Directories;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.workspace.SafeGit;
import io.agentworkspace.workspace.WorkspaceLease;
import io.agentworkspace.workspace.WorkspaceLocks;
import io.agentworkspace.workspace.Workspaces;
import reactor.core.publisher.Mono;

/**
 * Restores a workspace to a snapshot: the aggregate says whether the snapshot may be restored; under the workspace
 * lock the archive is fetched, its size and SHA-256 checked, and it is extracted beside the workspace; the lease is
 * verified (fencing) and the extracted tree swapped in by two renames. Anything that fails before the swap leaves
 * the workspace untouched. The outcome is recorded either way, with what changed.
 */
@Component
public class SnapshotRestorer {

    private static final Logger log = LoggerFactory.getLogger(SnapshotRestorer.class);
    private static final Pattern LEFTOVER = Pattern.compile("\\.restore-(old|new)-([0-9a-f-]{36})-[0-9a-f-]{36}");

    private final Workspaces workspaces;
    private final WorkspaceLocks locks;
    private final BlockingWork blocking;
    private final Commands commands;
    private final ArchiveStores stores;
    private final SnapshotFiles files;
    private final SnapshotSettings settings;
    private final Clock clock;

    SnapshotRestorer(Workspaces workspaces, WorkspaceLocks locks, BlockingWork blocking, Commands commands,
                     ArchiveStores stores, SnapshotFiles files, SnapshotSettings settings, Clock clock) {
        this.workspaces = workspaces;
        this.locks = locks;
        this.blocking = blocking;
        this.commands = commands;
        this.stores = stores;
        this.files = files;
        this.settings = settings;
        this.clock = clock;
        recoverInterruptedSwaps();
    }

    public Mono<RestoreReport> restore(String projectId, String snapshotId, @Nullable String restoredBy) {
        String restoreId = UUID.randomUUID().toString();
        return commands.<ArchiveRef>send(new AuthorizeSnapshotRestore(projectId, snapshotId))
                .onErrorMap(AggregateNotFoundException.class, e -> ProjectSnapshots.notFound(snapshotId))
                .flatMap(archive -> Mono.usingWhen(locks.acquire(projectId, settings.lockWait()),
                                lease -> blocking.call(() -> restoreUnder(lease, snapshotId, archive, restoreId, restoredBy)),
                                WorkspaceLease::release)
                        .onErrorResume(RejectedCommand.class,
                                refused -> recordFailure(projectId, snapshotId, restoreId, restoredBy, refused)));
    }

    private RestoreReport restoreUnder(WorkspaceLease lease, String snapshotId, ArchiveRef archive, String restoreId,
                                       @Nullable String restoredBy) throws IOException {
        String projectId = lease.projectId();
        Path workspace = workspaces.of(projectId);
        Path scratch = files.newScratch("restore-" + restoreId);
        Path incoming = workspaces.root().resolve(".restore-new-" + projectId + "-" + restoreId);
        Path outgoing = workspaces.root().resolve(".restore-old-" + projectId + "-" + restoreId);
        try {
            Path file = fetch(archive, scratch);
            try {
                WorkspaceArchive.verify(file, archive.sha256(), archive.sizeBytes());
                WorkspaceArchive.extract(file, incoming, settings.restoreLimits());
            } catch (WorkspaceArchive.Corrupt corrupt) {
                throw RejectedCommand.conflict("snapshot-archive-corrupt",
                        "The archive of snapshot " + snapshotId + " failed its integrity check (" + corrupt.getMessage()
                                + "); the workspace was not changed.");
            }
            String commitBefore = SafeGit.headOf(workspace);
            TreeChanges changes = TreeChanges.between(workspace, incoming);
            lease.verify().block();
            swap(workspace, incoming, outgoing);
            String commitAfter = SafeGit.headOf(workspace);
            SnapshotRestored restored = new SnapshotRestored(snapshotId, projectId, restoreId, restoredBy,
                    lease.fencingToken(), commitBefore, commitAfter, changes.added().size(), changes.modified().size(),
                    changes.removed().size(), TreeChanges.listed(changes.added()), TreeChanges.listed(changes.modified()),
                    TreeChanges.listed(changes.removed()), changes.truncated(), clock.instant());
            commands.sendAndWait(new RecordSnapshotRestored(restored));
            log.info("workspace of project {} restored to snapshot {}: {} added, {} modified, {} removed", projectId,
                    snapshotId, restored.added(), restored.modified(), restored.removed());
            return new RestoreReport(restored);
        } finally {
            Directories.deleteQuietly(incoming);
            Directories.deleteQuietly(outgoing);
            Directories.deleteQuietly(scratch);
        }
    }

    private Path fetch(ArchiveRef archive, Path scratch) throws IOException {
        try {
            return stores.of(archive.driver()).fetch(archive.key(), scratch);
        } catch (ArchiveStore.ArchiveMissing missing) {
            throw RejectedCommand.conflict("snapshot-archive-missing",
                    "The archive of the snapshot is missing from the " + archive.driver()
                            + " store; the workspace was not changed.");
        }
    }

    /** Two renames in the same directory: the workspace is the old tree or the new one, never a mixture. */
    private static void swap(Path workspace, Path incoming, Path outgoing) throws IOException {
        boolean existed = Files.exists(workspace);
        if (existed) {
            Files.move(workspace, outgoing, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(incoming, workspace, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (existed) {
                Files.move(outgoing, workspace, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
    }

    /** A crash between the two renames of a swap leaves the old tree aside: put it back, drop half-extracted ones. */
    private void recoverInterruptedSwaps() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(workspaces.root(), ".restore-*")) {
            for (Path entry : entries) {
                Matcher matcher = LEFTOVER.matcher(entry.getFileName().toString());
                if (matcher.matches() && matcher.group(1).equals("old")
                        && !Files.exists(workspaces.of(matcher.group(2)))) {
                    Files.move(entry, workspaces.of(matcher.group(2)), StandardCopyOption.ATOMIC_MOVE);
                    log.warn("workspace of project {} put back after an interrupted restore", matcher.group(2));
                } else {
                    Directories.deleteRecursively(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up interrupted restores", e);
        }
    }

    private Mono<RestoreReport> recordFailure(String projectId, String snapshotId, String restoreId,
                                              @Nullable String restoredBy, RejectedCommand refused) {
        SnapshotRestoreFailed failed = new SnapshotRestoreFailed(snapshotId, projectId, restoreId, restoredBy,
                refused.problem(), SnapshotWorker.reasonOf(refused), clock.instant());
        log.warn("restore of snapshot {} into project {} refused: {}", snapshotId, projectId, failed.reason());
        return commands.send(new RecordSnapshotRestoreFailed(failed)).then(Mono.error(refused));
    }
}
