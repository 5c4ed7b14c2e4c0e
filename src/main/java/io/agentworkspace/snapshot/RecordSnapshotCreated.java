package io.agentworkspace.snapshot;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** {@code defaults}: the configured retention, used when the project set none. */
record RecordSnapshotCreated(SnapshotCreated created, RetentionPolicy defaults) {
    @TargetAggregateIdentifier
    String aggregateId() {
        return ProjectSnapshotsId.of(created.projectId());
    }
}
