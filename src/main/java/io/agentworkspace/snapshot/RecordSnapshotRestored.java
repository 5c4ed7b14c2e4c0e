package io.agentworkspace.snapshot;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

record RecordSnapshotRestored(SnapshotRestored restored) {
    @TargetAggregateIdentifier
    String aggregateId() {
        return ProjectSnapshotsId.of(restored.projectId());
    }
}
