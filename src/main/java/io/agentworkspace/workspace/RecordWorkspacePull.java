package io.agentworkspace.workspace;

import org.springframework.lang.Nullable;

/** Records the outcome of one pull: exactly one of {@code pulled} and {@code failed}. */
record RecordWorkspacePull(String pullId, @Nullable WorkspacePulled pulled, @Nullable WorkspacePullFailed failed) {
}
