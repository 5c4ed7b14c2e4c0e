package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** The run's agent finished its work. */
@Revision("1")
public record RunSucceeded(String runId, String projectId, String queue, int attempt, RunSummary summary, Instant finishedAt) implements RunEnded {

    @Override
    public RunState endState() {
        return RunState.SUCCEEDED;
    }
}
