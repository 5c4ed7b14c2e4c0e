package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * This node drains (a deploy, a stop) and gives the attempt back to its queue: requeued without counting
 * against the attempt limit; a run whose cancel was asked ends cancelled instead.
 */
record HandOverRun(@TargetAggregateIdentifier String runId, int attempt, String node, String reason, Instant at) {
}
