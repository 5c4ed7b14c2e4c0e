package io.agentworkspace.rag;

/** Receives progress of index runs a caller waits for (the ops CLI prints it). Called from a timer thread. */
@FunctionalInterface
public interface IndexProgressListener {

    IndexProgressListener NONE = progress -> { };

    void onProgress(IndexProgress progress);
}
