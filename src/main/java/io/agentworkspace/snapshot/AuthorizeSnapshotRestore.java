package io.agentworkspace.snapshot;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Asks whether a snapshot may be restored now; answers with its archive, or is refused. No event. */
record AuthorizeSnapshotRestore(String projectId, String snapshotId) {
    @TargetAggregateIdentifier
    String aggregateId() {
        return ProjectSnapshotsId.of(projectId);
    }
}
