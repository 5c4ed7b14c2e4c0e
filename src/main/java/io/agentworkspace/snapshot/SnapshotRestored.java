package io.agentworkspace.snapshot;

import java.time.Instant;
import java.util.List;

import org.axonframework.serialization.Revision;
import org.springframework.lang.Nullable;

/**
 * The workspace was replaced by the snapshot's tree. The counts say what changed outside {@code .git}; the path
 * lists hold at most 100 each ({@code pathsTruncated} when there were more). {@code commitBefore} and
 * {@code commitAfter} are the HEAD commits before and after.
 */
@Revision("1")
public record SnapshotRestored(String snapshotId, String projectId, String restoreId, @Nullable String restoredBy,
                               long fencingToken, @Nullable String commitBefore, @Nullable String commitAfter,
                               long added, long modified, long removed, List<String> addedPaths,
                               List<String> modifiedPaths, List<String> removedPaths, boolean pathsTruncated,
                               Instant restoredAt) {
}
