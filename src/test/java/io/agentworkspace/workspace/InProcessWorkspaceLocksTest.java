package io.agentworkspace.workspace;

import java.time.Duration;

class InProcessWorkspaceLocksTest extends WorkspaceLocksContract {

    private final WorkspaceLocks locks = new InProcessWorkspaceLocks(new LeaseSettings(Duration.ofSeconds(30), Duration.ofMillis(5)));

    @Override
    WorkspaceLocks locks() {
        return locks;
    }
}
