package io.agentworkspace.run;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** Someone asked to cancel a run that is already starting or running; its node stops it and records RunCancelled. */
@Revision("1")
public record RunCancelRequested(String runId, String projectId, String requestedBy, Instant requestedAt) {
}
