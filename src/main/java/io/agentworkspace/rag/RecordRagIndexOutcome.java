package io.agentworkspace.rag;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.springframework.lang.Nullable;

/** The outcome of an index run: its counts, or the failure. */
record RecordRagIndexOutcome(@TargetAggregateIdentifier String runId, @Nullable IndexCounts counts,
                             @Nullable String failure, long durationMs) {
}
