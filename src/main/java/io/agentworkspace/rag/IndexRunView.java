package io.agentworkspace.rag;

import java.time.Instant;

import org.springframework.lang.Nullable;

/**
 * An index run as the read model shows it. {@code status}: requested, completed, failed; {@code counts} once
 * completed; {@code progress} while it runs on the node that answers.
 */
public record IndexRunView(String runId, String projectId, String reason, String requestedBy, String status,
                           Instant requestedAt, @Nullable Instant finishedAt, @Nullable IndexCounts counts,
                           @Nullable Long durationMs, @Nullable String failure, @Nullable IndexProgress progress) {

    public boolean finished() {
        return !"requested".equals(status);
    }

    IndexRunView withProgress(@Nullable IndexProgress live) {
        return new IndexRunView(runId, projectId, reason, requestedBy, status, requestedAt, finishedAt, counts,
                durationMs, failure, live);
    }
}
