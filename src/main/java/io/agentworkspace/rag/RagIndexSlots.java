package io.agentworkspace.rag;

/**
 * Where index jobs take their turn besides this module's own threads: the {@code rag-index} run queue when the run
 * module is present, so index jobs and that queue's agent runs share its concurrency. Without an implementation,
 * jobs run on this module's threads alone ({@code agent.rag.index-threads}).
 */
public interface RagIndexSlots {

    /**
     * Runs {@code work} once a slot is free, blocking the calling thread until then, and frees the slot when it
     * returns. Interrupted while waiting: the work does not run.
     */
    void runInSlot(RagIndexJob job, Runnable work) throws InterruptedException;
}
