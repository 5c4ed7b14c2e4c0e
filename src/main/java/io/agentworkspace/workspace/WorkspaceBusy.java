package io.agentworkspace.workspace;

import io.agentworkspace.infrastructure.RejectedCommand;

/** The workspace is held by another writer, or a writer's lease is no longer the current one. */
public class WorkspaceBusy extends RejectedCommand {

    public WorkspaceBusy(String projectId, String why) {
        super(Reason.CONFLICT, "workspace-busy", null, "Workspace of project " + projectId + " " + why);
    }
}
