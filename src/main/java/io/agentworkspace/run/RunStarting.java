package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/**
 * A node took the run from its queue holding the workspace lock: {@code fencingToken} is the lease every workspace
 * write of this attempt is checked against, {@code node} the node that runs it.
 */
@Revision("1")
public record RunStarting(String runId, String projectId, String queue, int attempt, String node, long fencingToken,
                          Instant startingAt) {
}
