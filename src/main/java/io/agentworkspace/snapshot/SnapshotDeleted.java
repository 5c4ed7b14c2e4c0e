package io.agentworkspace.snapshot;

import java.time.Instant;

import org.axonframework.serialization.Revision;
import org.springframework.lang.Nullable;

/**
 * The snapshot is gone: asked for ({@code deletedBy} the token) or pruned by retention ({@code deletedBy} null,
 * {@code reason} naming the rule). {@code driver} and {@code archiveKey} name the archive the worker removes; both
 * are null for a snapshot that failed.
 */
@Revision("1")
public record SnapshotDeleted(String snapshotId, String projectId, String reason, @Nullable String deletedBy,
                              @Nullable String driver, @Nullable String archiveKey, Instant deletedAt) {
}
