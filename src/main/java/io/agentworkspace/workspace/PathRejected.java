package io.agentworkspace.workspace;

import io.agentworkspace.infrastructure.RejectedCommand;

/** A path a client or an agent gave that does not name a place inside the workspace it may use. */
public class PathRejected extends RejectedCommand {

    PathRejected(String problem, String field, String message) {
        super(Reason.INVALID, problem, field, message);
    }
}
