package io.agentworkspace.project;

import java.time.Instant;

import org.axonframework.serialization.Revision;
import org.springframework.lang.Nullable;

/**
 * The project's workspace was cloned. {@code headCommit} and {@code branch} are null for a repository with no
 * commits yet.
 */
@Revision("1")
public record WorkspaceCloned(String projectId, @Nullable String headCommit, @Nullable String branch,
                              long fencingToken, Instant clonedAt) {
}
