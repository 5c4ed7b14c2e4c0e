package io.agentworkspace.workspace;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** A pull changed nothing; {@code problem} is the problem type the caller got, {@code reason} says why. */
@Revision("1")
public record WorkspacePullFailed(String pullId, String projectId, String problem, String reason, Instant failedAt) {
}
