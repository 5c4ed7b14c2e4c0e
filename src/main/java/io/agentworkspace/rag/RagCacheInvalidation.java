package io.agentworkspace.rag;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

/**
 * Index events invalidate the in-memory vectors: a completed run that this node did not apply itself (another node
 * ran it, or it ran before these vectors were loaded) drops them, and the next search reloads. A subscribing
 * processor: it sees the events published on this node, as they are published.
 */
@Component
@ProcessingGroup(RagCacheInvalidation.PROCESSOR)
class RagCacheInvalidation {

    static final String PROCESSOR = "rag-cache";

    private final VectorCache cache;

    RagCacheInvalidation(VectorCache cache) {
        this.cache = cache;
    }

    @EventHandler
    void on(RagIndexCompleted completed) {
        cache.completed(completed.projectId(), completed.runId());
    }

    @EventHandler
    void on(RagIndexFailed failed) {
        cache.invalidate(failed.projectId());
    }
}
