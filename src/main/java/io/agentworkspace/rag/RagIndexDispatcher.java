package io.agentworkspace.rag;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.annotation.MessageHandlerTimeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Runs every requested index job on this module's bounded executor, driven by the event history through its own
 * processor: the processor's token moves past a request only once its job has finished, so a request survives a
 * crash and runs after restart. Events are sequenced by project, so runs of one project run one after another,
 * and {@code agent.rag.index-threads} segments bound how many projects are indexed at once.
 * <p>When a {@link RagIndexSlots} exists (the {@code rag-index} run queue), each job also waits for a slot of it,
 * so index jobs count against that queue's concurrency.
 */
@Component
@ProcessingGroup(RagIndexDispatcher.PROCESSOR)
class RagIndexDispatcher implements DisposableBean {

    static final String PROCESSOR = "rag-indexer";
    /**
     * Axon interrupts an event handler after 30 s and a processor's unit of work after 60 s by default; an index
     * job may rightly take an hour (a large workspace through a rate-limited API). The unit of work's limit for this
     * processor is raised in application.yml ({@code axon.timeout.transaction.event-processor.[rag-indexer]}).
     */
    static final int JOB_TIMEOUT_MS = 24 * 60 * 60 * 1000;

    private final RagIndexJobs jobs;
    private final ExecutorService executor;
    private final ObjectProvider<RagIndexSlots> slots;

    RagIndexDispatcher(RagIndexJobs jobs, RagSettings settings, ObjectProvider<RagIndexSlots> slots) {
        this.jobs = jobs;
        this.slots = slots;
        this.executor = Executors.newFixedThreadPool(Math.max(1, settings.indexThreads()),
                new CustomizableThreadFactory("rag-index-"));
    }

    @EventHandler
    @MessageHandlerTimeout(timeoutMs = JOB_TIMEOUT_MS, warningThresholdMs = JOB_TIMEOUT_MS)
    void on(RagIndexRequested requested) {
        // on a thread of our own: the outcome command commits in a unit of work of its own, not nested in this one
        RagIndexJob job = RagIndexJob.of(requested);
        CompletableFuture.runAsync(() -> {
            RagIndexSlots queue = slots.getIfAvailable();
            if (queue == null) {
                jobs.execute(job);
                return;
            }
            try {
                queue.runInSlot(job, () -> jobs.execute(job));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // the processor retries the event (its token stays before it), after a restart at the latest
                throw new IllegalStateException("stopped while index run " + job.runId() + " waited for its turn", e);
            }
        }, executor).join();
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
