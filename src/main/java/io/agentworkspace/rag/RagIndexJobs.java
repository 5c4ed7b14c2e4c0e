package io.agentworkspace.rag;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.FailureReasons;
import io.agentworkspace.infrastructure.axon.Commands;

/**
 * Executes index jobs: runs the indexer and records the outcome as an event. Blocking; call it from a worker
 * thread (this module's executor now, a {@code rag-index} queue worker later). Runs of one project never overlap;
 * a job whose run already has an outcome (a redelivery after a crash) does nothing.
 */
@Component
public class RagIndexJobs {

    private static final Logger log = LoggerFactory.getLogger(RagIndexJobs.class);
    private static final int MAX_FAILURE = 1000;

    private final Indexer indexer;
    private final Commands commands;
    private final EventStore eventStore;
    private final RunProgressBoard board;
    private final VectorCache cache;
    private final Map<String, ReentrantLock> projectLocks = new ConcurrentHashMap<>();

    RagIndexJobs(Indexer indexer, Commands commands, EventStore eventStore, RunProgressBoard board, VectorCache cache) {
        this.indexer = indexer;
        this.commands = commands;
        this.eventStore = eventStore;
        this.board = board;
        this.cache = cache;
    }

    /** Runs the job to its end; the outcome is in the event history when this returns. */
    public void execute(RagIndexJob job) {
        if (finished(job.runId())) {
            return;
        }
        ReentrantLock lock = projectLocks.computeIfAbsent(job.projectId(), id -> new ReentrantLock());
        lock.lock();
        long started = System.nanoTime();
        try {
            if (finished(job.runId())) {
                return;
            }
            board.update(new IndexProgress(job.runId(), job.projectId(), "scanning", 0, 0, 0, 0, 0, 0));
            IndexCounts counts = indexer.index(job.projectId(), job.runId(), board::update);
            cache.applied(job.projectId(), job.runId());
            commands.sendAndWait(new RecordRagIndexOutcome(job.runId(), counts, null, millisSince(started)));
            log.info("index run {} of project {}: {}", job.runId(), job.projectId(), counts);
        } catch (RuntimeException | IOException failure) {
            String reason = reasonOf(failure);
            log.warn("index run {} of project {} failed: {}", job.runId(), job.projectId(), reason);
            // vectors applied so far stay correct (each write was committed), but this run never "completes"
            cache.invalidate(job.projectId());
            commands.sendAndWait(new RecordRagIndexOutcome(job.runId(), null, reason, millisSince(started)));
        } finally {
            board.finished(job.runId());
            lock.unlock();
        }
    }

    private boolean finished(String runId) {
        return eventStore.readEvents(runId).asStream().anyMatch(event ->
                event.getPayload() instanceof RagIndexCompleted || event.getPayload() instanceof RagIndexFailed);
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static String reasonOf(Throwable failure) {
        String message = failure instanceof Indexer.IndexFailure || failure instanceof OpenAiEmbedder.EmbeddingApiException
                ? failure.getMessage()
                : failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
        message = FailureReasons.clean(message, MAX_FAILURE);
        return message.isEmpty() ? "index run failed" : message;
    }
}
