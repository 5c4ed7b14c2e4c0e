package io.agentworkspace.snapshot;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

record RecordSnapshotFailed(SnapshotFailed failed) {
    @TargetAggregateIdentifier
    String aggregateId() {
        return ProjectSnapshotsId.of(failed.projectId());
    }
}
