package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** The run failed: the provider refused or broke off, a tool or a budget ended it, or it could not start; the summary's reason says which. */
@Revision("1")
public record RunFailed(String runId, String projectId, String queue, int attempt, RunSummary summary, Instant finishedAt) implements RunEnded {

    @Override
    public RunState endState() {
        return RunState.FAILED;
    }
}
