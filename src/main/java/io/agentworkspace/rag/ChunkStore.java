package io.agentworkspace.rag;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where chunks and their embeddings live. Chunks are data, not events: the index run that wrote them is the event.
 * Blocking (JDBC); called from index jobs and cache loads, never from an event loop. The implementation follows the
 * database: {@link JdbcChunkStore} with a JSON column on MariaDB/MySQL and a binary one on H2; docs/rag.md
 * describes the pgvector implementation for PostgreSQL, which would also answer searches in the database.
 */
interface ChunkStore {

    /** What the last run recorded of one file: its content hash and the embedder its chunks were made with. */
    record IndexedFile(String path, String contentSha256, String embedder, int chunks) {
    }

    record NewChunk(int ordinal, int startLine, int endLine, String contentSha256, String text, float[] embedding) {
    }

    /** A file's complete new set of chunks, replacing whatever the file had. */
    record FileChunks(String path, String contentSha256, long size, List<NewChunk> chunks) {
    }

    /** What a write changed, for the in-memory vectors: chunk ids gone, rows added. */
    record Change(List<Long> removedIds, List<ProjectVectors.Row> added) {
    }

    record StoredVector(long id, String path, float[] embedding) {
    }

    Map<String, IndexedFile> files(String projectId);

    /** Embeddings already stored for chunks with these content hashes, by hash: they need no new embedding. */
    Map<String, float[]> embeddingsByContent(String projectId, String embedder, Collection<String> contentHashes);

    /** Replaces the chunks of these files, in one transaction. */
    Change replace(String projectId, String embedder, List<FileChunks> files);

    /** Removes these files and their chunks, in one transaction. */
    Change delete(String projectId, Collection<String> paths);

    /** Every vector of the project made by this embedder, ordered by path. */
    void forEachVector(String projectId, String embedder, Consumer<StoredVector> consumer);

    long chunkCount(String projectId);

    long vectorCount(String projectId, String embedder);
}
