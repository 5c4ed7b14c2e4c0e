package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** The run was cancelled, before it started or while it ran. */
@Revision("1")
public record RunCancelled(String runId, String projectId, String queue, int attempt, RunSummary summary, Instant finishedAt) implements RunEnded {

    @Override
    public RunState endState() {
        return RunState.CANCELLED;
    }
}
