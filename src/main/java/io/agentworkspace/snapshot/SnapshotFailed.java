package io.agentworkspace.snapshot;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** The snapshot could not be taken or stored; nothing of it is kept. */
@Revision("1")
public record SnapshotFailed(String snapshotId, String projectId, String reason, Instant failedAt) {
}
