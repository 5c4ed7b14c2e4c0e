package io.agentworkspace.rag;

/**
 * A unit of work for whatever runs index jobs: today this module's own executor ({@link RagIndexDispatcher}),
 * later the {@code rag-index} run queue. Built from a {@link RagIndexRequested} event.
 */
public record RagIndexJob(String runId, String projectId, String reason) {

    public static RagIndexJob of(RagIndexRequested requested) {
        return new RagIndexJob(requested.runId(), requested.projectId(), requested.reason());
    }
}
