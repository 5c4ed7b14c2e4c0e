package io.agentworkspace.rag;

/**
 * How far a running index run has got. {@code phase}: scanning, indexing, deleting, done.
 * {@code filesToIndex} is known once scanning is over.
 */
public record IndexProgress(String runId, String projectId, String phase, int filesScanned, int filesToIndex,
                            int filesIndexed, int chunksEmbedded, int chunksReused, int chunksDeleted) {
}
