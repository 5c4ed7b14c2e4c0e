package io.agentworkspace.snapshot;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.springframework.lang.Nullable;

/** Deletes a snapshot and, through the worker, its archive. */
public record DeleteSnapshot(String projectId, String snapshotId, @Nullable String deletedBy, Instant deletedAt) {

    @TargetAggregateIdentifier
    public String aggregateId() {
        return ProjectSnapshotsId.of(projectId);
    }
}
