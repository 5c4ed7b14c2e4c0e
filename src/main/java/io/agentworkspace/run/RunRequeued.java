package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** An interrupted run waits in its queue again, for attempt number {@code attempt}. */
@Revision("1")
public record RunRequeued(String runId, String projectId, String queue, int attempt, Instant requeuedAt) {
}
