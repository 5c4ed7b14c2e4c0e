package io.agentworkspace.snapshot;

import java.time.Instant;

import org.axonframework.serialization.Revision;
import org.springframework.lang.Nullable;

/** A snapshot of the project's workspace was asked for; the snapshot worker takes it next. */
@Revision("1")
public record SnapshotRequested(String snapshotId, String projectId, @Nullable String label,
                                @Nullable String requestedBy, Instant requestedAt) {
}
