package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A node claims a queued run, holding the workspace lease with {@code fencingToken}. */
record BeginRun(@TargetAggregateIdentifier String runId, int attempt, String node, long fencingToken, Instant at) {
}
