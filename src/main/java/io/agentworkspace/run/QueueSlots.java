package io.agentworkspace.run;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import io.agentworkspace.rag.RagIndexJob;
import io.agentworkspace.rag.RagIndexSlots;

/**
 * Each queue's concurrency on this node as slots: the dispatcher takes one per run it starts, and RAG index jobs
 * take one of the {@code rag-index} queue, so agent runs of that queue and index jobs together never exceed it.
 * Fair: an index job waiting for a slot is not overtaken by runs claimed after it began to wait.
 */
@Component
class QueueSlots implements RagIndexSlots {

    static final String RAG_INDEX = "rag-index";

    private final Map<String, Semaphore> slots = new LinkedHashMap<>();
    private final Map<String, Integer> sizes = new LinkedHashMap<>();

    QueueSlots(RunSettings settings) {
        settings.queues().forEach((name, queue) -> {
            slots.put(name, new Semaphore(queue.concurrency(), true));
            sizes.put(name, queue.concurrency());
        });
    }

    /** Takes a slot of the queue if one is free now. */
    boolean tryTake(String queue) {
        try {
            // the timed form respects fairness (the untimed tryAcquire barges ahead of waiting index jobs)
            return slots.get(queue).tryAcquire(0, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void give(String queue) {
        slots.get(queue).release();
    }

    int free(String queue) {
        return slots.get(queue).availablePermits();
    }

    /** Slots of the queue in use on this node: its runs, and for {@code rag-index} its index jobs too. */
    int busy(String queue) {
        return sizes.get(queue) - free(queue);
    }

    @Override
    public void runInSlot(RagIndexJob job, Runnable work) throws InterruptedException {
        Semaphore slot = slots.get(RAG_INDEX);
        slot.acquire();
        try {
            work.run();
        } finally {
            slot.release();
        }
    }
}
