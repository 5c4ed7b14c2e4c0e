package io.agentworkspace.snapshot;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** What a restore changed, as the API answers it: the fields of the {@link SnapshotRestored} event it recorded. */
public record RestoreReport(@JsonUnwrapped SnapshotRestored restored) {
}
