package io.agentworkspace.rag;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/** Live progress of the index runs running on this node, by run id; gone once a run has finished. */
@Component
class RunProgressBoard {

    private final Map<String, IndexProgress> running = new ConcurrentHashMap<>();

    void update(IndexProgress progress) {
        running.put(progress.runId(), progress);
    }

    void finished(String runId) {
        running.remove(runId);
    }

    Optional<IndexProgress> of(String runId) {
        return Optional.ofNullable(running.get(runId));
    }
}
