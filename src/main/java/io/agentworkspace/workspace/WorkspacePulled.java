package io.agentworkspace.workspace;

import java.time.Instant;

import org.axonframework.serialization.Revision;
import org.springframework.lang.Nullable;

/**
 * The workspace's branch was fast-forwarded to its upstream after a fetch from origin ({@code updated} false: it
 * was already up to date). {@code fromCommit} is null for a branch that had no commit yet.
 */
@Revision("1")
public record WorkspacePulled(String pullId, String projectId, String branch, @Nullable String fromCommit,
                              String toCommit, boolean updated, long fencingToken, Instant pulledAt) {
}
