package io.agentworkspace.snapshot;

import java.time.Instant;

import org.axonframework.serialization.Revision;
import org.springframework.lang.Nullable;

/**
 * The snapshot's archive is stored. {@code sizeBytes} and {@code sha256} are those of the archive file as stored;
 * {@code contentBytes} and {@code fileCount} those of the workspace it captured (regular files and links).
 * {@code commitId} is the workspace's HEAD at the time, null without commits.
 */
@Revision("1")
public record SnapshotCreated(String snapshotId, String projectId, @Nullable String commitId, String driver,
                              String archiveKey, long sizeBytes, long contentBytes, long fileCount, String sha256,
                              long fencingToken, Instant createdAt) {
}
