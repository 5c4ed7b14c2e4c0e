package io.agentworkspace.rag;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** An index run failed; {@code failure} says why in words an operator can act on (never a secret). */
@Revision("1")
public record RagIndexFailed(String runId, String projectId, String failure, long durationMs, Instant failedAt) {
}
