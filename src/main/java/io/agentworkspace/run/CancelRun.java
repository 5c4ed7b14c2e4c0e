package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Cancels a run: at once when queued; by asking its node to stop it when starting or running. */
public record CancelRun(@TargetAggregateIdentifier String runId, String requestedBy, Instant at) {
}
