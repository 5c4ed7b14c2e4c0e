package io.agentworkspace.snapshot;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.springframework.lang.Nullable;

/** Asks for a snapshot of a project's workspace under a new id. */
public record RequestSnapshot(String projectId, String snapshotId, @Nullable String label,
                              @Nullable String requestedBy, Instant requestedAt) {

    @TargetAggregateIdentifier
    public String aggregateId() {
        return ProjectSnapshotsId.of(projectId);
    }
}
