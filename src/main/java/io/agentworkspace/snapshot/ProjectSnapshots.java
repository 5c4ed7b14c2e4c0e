package io.agentworkspace.snapshot;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * The snapshots of one project and its retention policy. It decides what may happen to a snapshot (a restore or
 * delete only of a created one, outcomes recorded once) and which snapshots retention prunes, so the pruning is
 * part of the history, decided on the same state every time.
 */
@Aggregate
class ProjectSnapshots {

    enum Status { REQUESTED, CREATED, FAILED, DELETED }

    private record Entry(Status status, Instant createdAt, ArchiveRef archive) {
        Entry with(Status next) {
            return new Entry(next, createdAt, archive);
        }
    }

    @AggregateIdentifier
    private String id;
    private String projectId;
    private final Map<String, Entry> snapshots = new HashMap<>();
    private RetentionPolicy policy = new RetentionPolicy(null, null);

    protected ProjectSnapshots() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(RequestSnapshot command) {
        if (!snapshots.containsKey(command.snapshotId())) {
            apply(new SnapshotRequested(command.snapshotId(), command.projectId(), command.label(),
                    command.requestedBy(), command.requestedAt()));
        }
    }

    @CommandHandler
    void handle(RecordSnapshotCreated command) {
        SnapshotCreated created = command.created();
        if (statusOf(created.snapshotId()) == Status.REQUESTED) {
            apply(created);
            prune(command.defaults(), created.createdAt());
        }
    }

    @CommandHandler
    void handle(RecordSnapshotFailed command) {
        if (statusOf(command.failed().snapshotId()) == Status.REQUESTED) {
            apply(command.failed());
        }
    }

    @CommandHandler
    ArchiveRef handle(AuthorizeSnapshotRestore command) {
        return restorable(command.snapshotId()).archive();
    }

    @CommandHandler
    void handle(RecordSnapshotRestored command) {
        if (snapshots.containsKey(command.restored().snapshotId())) {
            apply(command.restored());
        }
    }

    @CommandHandler
    void handle(RecordSnapshotRestoreFailed command) {
        if (snapshots.containsKey(command.failed().snapshotId())) {
            apply(command.failed());
        }
    }

    @CommandHandler
    void handle(DeleteSnapshot command) {
        Entry entry = existing(command.snapshotId());
        if (entry.status() == Status.REQUESTED) {
            throw inProgress(command.snapshotId());
        }
        apply(new SnapshotDeleted(command.snapshotId(), projectId, "deleted on request", command.deletedBy(),
                entry.archive() == null ? null : entry.archive().driver(), entry.archive() == null ? null : entry.archive().key(),
                command.deletedAt()));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(SetSnapshotRetention command) {
        apply(new SnapshotRetentionSet(command.projectId(), command.policy().keepLast(),
                command.policy().maxAgeSeconds(), command.setBy(), command.setAt()));
        prune(command.policy(), command.setAt());
    }

    @CommandHandler
    void handle(ApplySnapshotRetention command) {
        prune(command.defaults(), command.at());
    }

    private void prune(RetentionPolicy defaults, Instant now) {
        RetentionPolicy effective = policy.isEmpty() ? defaults : policy;
        if (effective.isEmpty()) {
            return;
        }
        List<RetentionPolicy.Live> live = snapshots.entrySet().stream()
                .filter(e -> e.getValue().status() == Status.CREATED)
                .map(e -> new RetentionPolicy.Live(e.getKey(), e.getValue().createdAt()))
                .toList();
        for (RetentionPolicy.Pruned pruned : effective.prune(live, now)) {
            ArchiveRef archive = snapshots.get(pruned.snapshotId()).archive();
            apply(new SnapshotDeleted(pruned.snapshotId(), projectId, pruned.reason(), null, archive.driver(),
                    archive.key(), now));
        }
    }

    private Entry restorable(String snapshotId) {
        Entry entry = existing(snapshotId);
        return switch (entry.status()) {
            case CREATED -> entry;
            case REQUESTED -> throw inProgress(snapshotId);
            default -> throw RejectedCommand.conflict("snapshot-not-restorable",
                    "Snapshot " + snapshotId + " failed and has no archive to restore.");
        };
    }

    private Entry existing(String snapshotId) {
        Entry entry = snapshots.get(snapshotId);
        if (entry == null || entry.status() == Status.DELETED) {
            throw notFound(snapshotId);
        }
        return entry;
    }

    static RejectedCommand notFound(String snapshotId) {
        return RejectedCommand.notFound("snapshot-not-found", "No snapshot " + snapshotId + " in this project.");
    }

    private static RejectedCommand inProgress(String snapshotId) {
        return RejectedCommand.conflict("snapshot-in-progress", "Snapshot " + snapshotId + " is still being taken.");
    }

    private Status statusOf(String snapshotId) {
        Entry entry = snapshots.get(snapshotId);
        return entry == null ? null : entry.status();
    }

    @EventSourcingHandler
    void on(SnapshotRequested event) {
        id = ProjectSnapshotsId.of(event.projectId());
        projectId = event.projectId();
        snapshots.put(event.snapshotId(), new Entry(Status.REQUESTED, null, null));
    }

    @EventSourcingHandler
    void on(SnapshotCreated event) {
        snapshots.put(event.snapshotId(), new Entry(Status.CREATED, event.createdAt(),
                new ArchiveRef(event.driver(), event.archiveKey(), event.sizeBytes(), event.sha256())));
    }

    @EventSourcingHandler
    void on(SnapshotFailed event) {
        snapshots.computeIfPresent(event.snapshotId(), (id, entry) -> entry.with(Status.FAILED));
    }

    @EventSourcingHandler
    void on(SnapshotDeleted event) {
        snapshots.computeIfPresent(event.snapshotId(), (id, entry) -> entry.with(Status.DELETED));
    }

    @EventSourcingHandler
    void on(SnapshotRetentionSet event) {
        id = ProjectSnapshotsId.of(event.projectId());
        projectId = event.projectId();
        policy = new RetentionPolicy(event.keepLast(), event.maxAgeSeconds());
    }
}
