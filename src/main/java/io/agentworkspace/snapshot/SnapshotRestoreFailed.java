package io.agentworkspace.snapshot;

import java.time.Instant;

import org.axonframework.serialization.Revision;
import org.springframework.lang.Nullable;

/** A restore was refused or failed; the workspace was left as it was. {@code problem} is the caller's problem type. */
@Revision("1")
public record SnapshotRestoreFailed(String snapshotId, String projectId, String restoreId, @Nullable String restoredBy,
                                    String problem, String reason, Instant failedAt) {
}
