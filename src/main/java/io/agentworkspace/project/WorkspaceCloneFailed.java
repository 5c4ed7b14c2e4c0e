package io.agentworkspace.project;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** The workspace clone failed; {@code reason} says why in words an operator can act on. */
@Revision("1")
public record WorkspaceCloneFailed(String projectId, String reason, Instant failedAt) {
}
