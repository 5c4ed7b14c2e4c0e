package io.agentworkspace.snapshot;

import java.util.List;

import org.springframework.lang.Nullable;

/**
 * What a restore changed in the workspace (outside {@code .git}), as the API answers it: the recorded
 * {@link SnapshotRestored} without who, when and the fencing token. Path lists hold at most 100 each.
 */
public record RestoreReport(String restoreId, String snapshotId, @Nullable String commitBefore,
                            @Nullable String commitAfter, long added, long modified, long removed,
                            List<String> addedPaths, List<String> modifiedPaths, List<String> removedPaths,
                            boolean pathsTruncated) {

    static RestoreReport of(SnapshotRestored restored) {
        return new RestoreReport(restored.restoreId(), restored.snapshotId(), restored.commitBefore(),
                restored.commitAfter(), restored.added(), restored.modified(), restored.removed(),
                restored.addedPaths(), restored.modifiedPaths(), restored.removedPaths(), restored.pathsTruncated());
    }
}
