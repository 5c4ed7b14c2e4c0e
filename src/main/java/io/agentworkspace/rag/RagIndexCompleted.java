package io.agentworkspace.rag;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/**
 * An index run finished: what it saw and what it did. {@code chunksEmbedded} chunks got new embeddings,
 * {@code chunksReused} kept an embedding stored for the same content, {@code chunksDeleted} went with changed or
 * deleted files; {@code chunksTotal} is the project's chunk count afterwards.
 */
@Revision("1")
public record RagIndexCompleted(String runId, String projectId, String embedder, int filesScanned, int filesChanged,
                                int filesDeleted, int chunksEmbedded, int chunksReused, int chunksDeleted,
                                int chunksTotal, long durationMs, Instant completedAt) {
}
