package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.springframework.lang.Nullable;

/** The commands of the Run aggregate. */
public final class RunCommands {

    private RunCommands() {
    }

    /** Puts a new run in its queue; the caller has checked the project, queue and provider exist. */
    public record QueueRun(String runId, String projectId, String queue, String provider, String model, String prompt,
                           RunLimits limits, String onInterrupt, @Nullable String retryOf, String requestedBy,
                           Instant queuedAt) {
    }

    /** Cancels a run: at once when queued; by asking its node to stop it when starting or running. */
    public record CancelRun(@TargetAggregateIdentifier String runId, String requestedBy, Instant at) {
    }

    /** Queues a new run {@code newRunId} with the same project, queue, provider, model, prompt and limits. */
    public record RetryRun(@TargetAggregateIdentifier String runId, String newRunId, String requestedBy, Instant at) {
    }

    /** A node claims a queued run, holding the workspace lease with {@code fencingToken}. */
    record BeginRun(@TargetAggregateIdentifier String runId, int attempt, String node, long fencingToken, Instant at) {
    }

    record MarkRunStarted(@TargetAggregateIdentifier String runId, int attempt, Instant at) {
    }

    enum Outcome { SUCCEEDED, FAILED, CANCELLED, TIMED_OUT }

    record FinishRun(@TargetAggregateIdentifier String runId, int attempt, Outcome outcome, RunSummary summary,
                     Instant at) {
    }

    /** The node of this attempt is gone; requeue when the run's policy says so and attempts remain. */
    record InterruptRun(@TargetAggregateIdentifier String runId, int attempt, String reason, int maxAttempts,
                        Instant at) {
    }

    /**
     * This node drains (a deploy, a stop) and gives the attempt back to its queue: requeued without counting
     * against the attempt limit; a run whose cancel was asked ends cancelled instead.
     */
    record HandOverRun(@TargetAggregateIdentifier String runId, int attempt, String node, String reason, Instant at) {
    }
}
