package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/**
 * A draining node (a deploy, a stop) handed a running attempt back to its queue after the drain's grace: a
 * RunRequeued follows and another node runs the next attempt. Not a failure, and not counted against the queue's
 * attempt limit; only runs whose policy on interrupt is {@code requeue} are handed over.
 */
@Revision("1")
public record RunHandedOver(String runId, String projectId, String queue, int attempt, String node, String reason,
                            Instant handedOverAt) {
}
