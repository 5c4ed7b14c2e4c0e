package io.agentworkspace.snapshot;

import java.util.List;

import org.springframework.lang.Nullable;

/** What a restore changed in the workspace (outside {@code .git}); path lists hold at most 100 each. */
public record RestoreReport(String restoreId, String snapshotId, @Nullable String commitBefore,
                            @Nullable String commitAfter, long added, long modified, long removed,
                            List<String> addedPaths, List<String> modifiedPaths, List<String> removedPaths,
                            boolean pathsTruncated) {
}
