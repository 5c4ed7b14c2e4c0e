package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The end of an attempt as its node saw it; a late or repeated outcome changes nothing. */
record FinishRun(@TargetAggregateIdentifier String runId, int attempt, Outcome outcome, RunSummary summary,
                 Instant at) {

    enum Outcome { SUCCEEDED, FAILED, CANCELLED, TIMED_OUT }
}
