package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Queues a new run {@code newRunId} with the same project, queue, provider, model, prompt and limits. */
public record RetryRun(@TargetAggregateIdentifier String runId, String newRunId, String requestedBy, Instant at) {
}
