package io.agentworkspace.run;

import java.time.Instant;

import org.springframework.lang.Nullable;

/** Puts a new run in its queue; the caller has checked the project, queue and provider exist. */
public record QueueRun(String runId, String projectId, String queue, String provider, String model, String prompt,
                       RunLimits limits, String onInterrupt, @Nullable String retryOf, String requestedBy,
                       Instant queuedAt) {
}
