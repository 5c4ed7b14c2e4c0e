package io.agentworkspace.snapshot;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The commands through which the worker, the restorer and the sweeper record what they did. */
final class SnapshotOutcomes {

    private SnapshotOutcomes() {
    }

    /** {@code defaults}: the configured retention, used when the project set none. */
    record RecordCreated(SnapshotCreated created, RetentionPolicy defaults) {
        @TargetAggregateIdentifier
        String aggregateId() {
            return ProjectSnapshotsId.of(created.projectId());
        }
    }

    record RecordFailed(SnapshotFailed failed) {
        @TargetAggregateIdentifier
        String aggregateId() {
            return ProjectSnapshotsId.of(failed.projectId());
        }
    }

    /** Asks whether a snapshot may be restored now; answers with its archive, or is refused. No event. */
    record AuthorizeRestore(String projectId, String snapshotId) {
        @TargetAggregateIdentifier
        String aggregateId() {
            return ProjectSnapshotsId.of(projectId);
        }
    }

    record RecordRestored(SnapshotRestored restored) {
        @TargetAggregateIdentifier
        String aggregateId() {
            return ProjectSnapshotsId.of(restored.projectId());
        }
    }

    record RecordRestoreFailed(SnapshotRestoreFailed failed) {
        @TargetAggregateIdentifier
        String aggregateId() {
            return ProjectSnapshotsId.of(failed.projectId());
        }
    }

    record ApplyRetention(String projectId, RetentionPolicy defaults, Instant at) {
        @TargetAggregateIdentifier
        String aggregateId() {
            return ProjectSnapshotsId.of(projectId);
        }
    }

}
