package io.agentworkspace.rag;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/**
 * An index run of a project's workspace was asked for; {@code reason} says by what (api, cli, workspace-cloned,
 * snapshot-restored, workspace-pulled, ...), {@code requestedBy} by whom (a token id or the system).
 */
@Revision("1")
public record RagIndexRequested(String runId, String projectId, String reason, String requestedBy, Instant requestedAt) {
}
