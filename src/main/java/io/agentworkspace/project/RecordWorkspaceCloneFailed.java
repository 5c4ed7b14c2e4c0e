package io.agentworkspace.project;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

record RecordWorkspaceCloneFailed(@TargetAggregateIdentifier String projectId, String reason, Instant failedAt) {
}
