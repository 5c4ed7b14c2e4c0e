package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The node of this attempt is gone; requeue when the run's policy says so and attempts remain. */
record InterruptRun(@TargetAggregateIdentifier String runId, int attempt, String reason, int maxAttempts,
                    Instant at) {
}
