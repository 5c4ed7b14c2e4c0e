package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/**
 * The node running the run went away (a crash, a kill, a lost lease) before the run ended. With {@code requeued}
 * the run goes back to its queue (a RunRequeued follows); without, {@code interrupted} is how it ended.
 */
@Revision("1")
public record RunInterrupted(String runId, String projectId, String queue, int attempt, String reason, boolean requeued,
                             Instant interruptedAt) {
}
