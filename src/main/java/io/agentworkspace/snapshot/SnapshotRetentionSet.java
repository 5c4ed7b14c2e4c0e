package io.agentworkspace.snapshot;

import java.time.Instant;

import org.axonframework.serialization.Revision;
import org.springframework.lang.Nullable;

/**
 * The project's retention policy: keep the newest {@code keepLast} snapshots, and none older than
 * {@code maxAgeSeconds}; a null bound does not apply (both null: the configured default applies).
 */
@Revision("1")
public record SnapshotRetentionSet(String projectId, @Nullable Integer keepLast, @Nullable Long maxAgeSeconds,
                                   @Nullable String setBy, Instant setAt) {
}
