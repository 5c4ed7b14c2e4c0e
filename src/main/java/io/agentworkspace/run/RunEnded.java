package io.agentworkspace.run;

import java.time.Instant;

/** What the four terminal events of a run share: who ended, where, on which attempt, and the summary. */
public sealed interface RunEnded permits RunSucceeded, RunFailed, RunCancelled, RunTimedOut {

    String runId();

    String projectId();

    String queue();

    int attempt();

    RunSummary summary();

    Instant finishedAt();

    /** The terminal state this event puts the run in. */
    RunState endState();
}
