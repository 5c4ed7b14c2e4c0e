package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** The run hit its time limit and was stopped. */
@Revision("1")
public record RunTimedOut(String runId, String projectId, String queue, int attempt, RunSummary summary, Instant finishedAt) implements RunEnded {

    @Override
    public RunState endState() {
        return RunState.TIMED_OUT;
    }
}
