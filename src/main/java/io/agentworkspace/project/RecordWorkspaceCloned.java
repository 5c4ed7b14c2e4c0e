package io.agentworkspace.project;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.springframework.lang.Nullable;

record RecordWorkspaceCloned(@TargetAggregateIdentifier String projectId, @Nullable String headCommit,
                             @Nullable String branch, long fencingToken, Instant clonedAt) {
}
