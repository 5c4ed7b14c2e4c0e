package io.agentworkspace.snapshot;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.springframework.lang.Nullable;

/** Sets a project's retention policy and applies it at once. */
public record SetSnapshotRetention(String projectId, RetentionPolicy policy, @Nullable String setBy, Instant setAt) {

    @TargetAggregateIdentifier
    public String aggregateId() {
        return ProjectSnapshotsId.of(projectId);
    }
}
