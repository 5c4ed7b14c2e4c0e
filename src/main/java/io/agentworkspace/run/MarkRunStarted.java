package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

record MarkRunStarted(@TargetAggregateIdentifier String runId, int attempt, Instant at) {
}
