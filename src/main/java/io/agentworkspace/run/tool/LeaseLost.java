package io.agentworkspace.run.tool;

/** The run's workspace lease is no longer current: another writer may hold the workspace, so the run must stop. */
public class LeaseLost extends RuntimeException {

    public LeaseLost(String message) {
        super(message, null, false, false);
    }
}
