package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.serialization.Revision;
import org.springframework.lang.Nullable;

/**
 * A run was asked for and waits in its queue. {@code onInterrupt} ({@code requeue} or {@code fail}) says what
 * happens when a crash interrupts it; {@code retryOf} names the run it retries, if any.
 */
@Revision("1")
public record RunQueued(String runId, String projectId, String queue, String provider, String model, String prompt,
                        RunLimits limits, String onInterrupt, @Nullable String retryOf, String requestedBy,
                        Instant queuedAt) {
}
