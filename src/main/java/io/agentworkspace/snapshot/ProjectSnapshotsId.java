package io.agentworkspace.snapshot;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The identifier of a project's snapshot aggregate: derived from the project id, but never equal to it (the
 * project aggregate has that one, and the event store numbers events per identifier).
 */
final class ProjectSnapshotsId {

    private ProjectSnapshotsId() {
    }

    static String of(String projectId) {
        return UUID.nameUUIDFromBytes(("snapshots:" + projectId).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
