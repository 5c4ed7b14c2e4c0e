package io.agentworkspace.workspace;

import org.springframework.lang.Nullable;

/** What a pull did, as the caller sees it. */
public record PullResult(String pullId, String branch, @Nullable String fromCommit, String toCommit, boolean updated) {
}
