package io.agentworkspace.snapshot;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

record RecordSnapshotRestoreFailed(SnapshotRestoreFailed failed) {
    @TargetAggregateIdentifier
    String aggregateId() {
        return ProjectSnapshotsId.of(failed.projectId());
    }
}
