package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** The run's agent is running: the provider was called (or its process started). */
@Revision("1")
public record RunStarted(String runId, String projectId, String queue, int attempt, Instant startedAt) {
}
