package io.agentworkspace.ops;

import java.util.Optional;

/**
 * The hook the RAG module implements (as a bean) so that {@code ops reindex} rebuilds its index: chunks and
 * embeddings of one project's workspace, or of every project. Until a bean exists, the command says RAG is not
 * installed. Blocking; called on the CLI's main thread.
 */
public interface RagReindexing {

    /** What has been done so far, for the progress bar. */
    interface Progress {
        void update(long done, long total, String what);
    }

    /**
     * @param projectId the project to reindex, or empty for all of them
     * @return how many projects were reindexed
     */
    long reindex(Optional<String> projectId, Progress progress);
}
