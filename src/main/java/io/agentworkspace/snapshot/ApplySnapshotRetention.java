package io.agentworkspace.snapshot;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

record ApplySnapshotRetention(String projectId, RetentionPolicy defaults, Instant at) {
    @TargetAggregateIdentifier
    String aggregateId() {
        return ProjectSnapshotsId.of(projectId);
    }
}
