package io.agentworkspace.snapshot;

import java.time.Instant;

import org.springframework.lang.Nullable;

/** A snapshot as the read model has it; {@code status} is requested, created, failed or deleted. */
public record SnapshotView(String id, String projectId, @Nullable String label, String status,
                           @Nullable String requestedBy, @Nullable String commitId, @Nullable String driver,
                           @Nullable Long sizeBytes, @Nullable Long contentBytes, @Nullable Long fileCount,
                           @Nullable String sha256, @Nullable String failureReason, @Nullable String deleteReason,
                           int restoreCount, @Nullable Instant lastRestoredAt, @Nullable String lastRestoreFailure,
                           Instant requestedAt, @Nullable Instant createdAt, @Nullable Instant deletedAt) {
}
