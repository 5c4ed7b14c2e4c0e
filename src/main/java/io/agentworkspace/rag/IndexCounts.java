package io.agentworkspace.rag;

/** What an index run saw and did; see {@link RagIndexCompleted}. */
public record IndexCounts(String embedder, int filesScanned, int filesChanged, int filesDeleted, int chunksEmbedded,
                          int chunksReused, int chunksDeleted, int chunksTotal) {
}
