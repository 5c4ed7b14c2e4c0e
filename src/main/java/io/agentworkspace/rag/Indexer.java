package io.agentworkspace.rag;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jgit.diff.RawText;
import org.springframework.stereotype.Component;

import io.agentworkspace.workspace.Workspaces;

/**
 * One index run over a project's workspace, incremental: files whose content hash and embedder match what the last
 * run stored are skipped; a changed file's chunks are replaced as a whole, and a chunk whose content already has a
 * stored embedding reuses it instead of being embedded again; files that are gone (deleted, now ignored, binary or
 * too large) lose their chunks. Files are written in batches, each in its own transaction, so a run that dies keeps
 * what it finished and the next run carries on from there. Blocking: runs on an index thread.
 */
@Component
class Indexer {

    private static final int FILES_PER_BATCH = 64;
    private static final int CHUNKS_PER_BATCH = 512;
    private static final Duration EMBED_TIMEOUT = Duration.ofMinutes(30);
    /** Past this many new rows in one run, reloading the vectors from the store is cheaper than carrying them. */
    private static final int MAX_ROWS_APPLIED_IN_MEMORY = 20_000;

    /** A failure worth telling the operator as it is. */
    static final class IndexFailure extends RuntimeException {
        IndexFailure(String message) {
            super(message, null, false, false);
        }
    }

    private record Scanned(String path, String contentSha256, long size) {
    }

    private final Workspaces workspaces;
    private final ChunkStore store;
    private final Embedder embedder;
    private final VectorCache cache;
    private final Chunker chunker;
    private final long maxFileBytes;
    private final Counter embedded;

    Indexer(Workspaces workspaces, ChunkStore store, Embedder embedder, VectorCache cache, RagSettings settings,
            MeterRegistry meters) {
        this.workspaces = workspaces;
        this.store = store;
        this.embedder = embedder;
        this.cache = cache;
        this.chunker = new Chunker(settings.chunking().lines(), settings.chunking().overlap(),
                settings.chunking().maxChars());
        this.maxFileBytes = settings.maxFileSize().toBytes();
        this.embedded = Counter.builder("agent.rag.chunks.embedded").tag("embedder", embedder.id())
                .description("Chunks given a new embedding by index runs").register(meters);
    }

    String embedderId() {
        return embedder.id();
    }

    IndexCounts index(String projectId, String runId, Consumer<IndexProgress> progress) throws IOException {
        Path root = workspaces.of(projectId);
        if (!Files.isDirectory(root)) {
            throw new IndexFailure("the workspace of project " + projectId + " is not cloned");
        }
        Progress counts = new Progress(runId, projectId, progress);
        CacheDelta delta = new CacheDelta();
        Map<String, ChunkStore.IndexedFile> known = store.files(projectId);
        List<Scanned> changed = new ArrayList<>();
        Set<String> present = new HashSet<>();
        for (WorkspaceFiles.Candidate candidate : WorkspaceFiles.list(root)) {
            counts.filesScanned++;
            if (candidate.size() > maxFileBytes || candidate.size() == 0) {
                continue;
            }
            byte[] bytes = readOrNull(root, candidate.path());
            if (bytes == null || bytes.length == 0 || RawText.isBinary(bytes)) {
                continue;
            }
            present.add(candidate.path());
            String sha = sha256(bytes);
            ChunkStore.IndexedFile before = known.get(candidate.path());
            if (before == null || !before.contentSha256().equals(sha) || !before.embedder().equals(embedder.id())) {
                changed.add(new Scanned(candidate.path(), sha, bytes.length));
            }
            if (counts.filesScanned % 500 == 0) {
                counts.report("scanning");
            }
        }
        counts.filesToIndex = changed.size();
        counts.report("indexing");

        Map<String, float[]> embeddedThisRun = new HashMap<>();
        List<ChunkStore.FileChunks> batch = new ArrayList<>();
        int batchChunks = 0;
        for (Scanned file : changed) {
            byte[] bytes = readOrNull(root, file.path());
            if (bytes == null) {
                present.remove(file.path());
                continue;
            }
            List<Chunker.Chunk> chunks = chunker.chunk(new String(bytes, StandardCharsets.UTF_8));
            batch.add(pending(file.path(), sha256(bytes), bytes.length, chunks));
            batchChunks += chunks.size();
            if (batch.size() >= FILES_PER_BATCH || batchChunks >= CHUNKS_PER_BATCH) {
                delta.add(write(projectId, batch, embeddedThisRun, counts));
                batch.clear();
                batchChunks = 0;
            }
        }
        if (!batch.isEmpty()) {
            delta.add(write(projectId, batch, embeddedThisRun, counts));
        }

        List<String> gone = known.keySet().stream().filter(path -> !present.contains(path)).sorted().toList();
        counts.filesDeleted = gone.size();
        if (!gone.isEmpty()) {
            counts.report("deleting");
            ChunkStore.Change change = store.delete(projectId, gone);
            counts.chunksDeleted += change.removedIds().size();
            delta.add(change);
        }
        delta.applyTo(cache, projectId);
        counts.report("done");
        return new IndexCounts(embedder.id(), counts.filesScanned, changed.size(), gone.size(), counts.chunksEmbedded,
                counts.chunksReused, counts.chunksDeleted, (int) store.chunkCount(projectId));
    }

    /** A file's chunks with the text each is embedded as: the path first, so a file's name is searchable too. */
    private static ChunkStore.FileChunks pending(String path, String sha, long size, List<Chunker.Chunk> chunks) {
        List<ChunkStore.NewChunk> pending = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            Chunker.Chunk chunk = chunks.get(i);
            String input = embeddingInput(path, chunk.text());
            pending.add(new ChunkStore.NewChunk(i, chunk.startLine(), chunk.endLine(),
                    sha256(input.getBytes(StandardCharsets.UTF_8)), chunk.text(), null));
        }
        return new ChunkStore.FileChunks(path, sha, size, pending);
    }

    static String embeddingInput(String path, String text) {
        return path + "\n" + text;
    }

    private ChunkStore.Change write(String projectId, List<ChunkStore.FileChunks> batch,
                                    Map<String, float[]> embeddedThisRun, Progress counts) {
        Set<String> hashes = new HashSet<>();
        batch.forEach(file -> file.chunks().forEach(chunk -> hashes.add(chunk.contentSha256())));
        hashes.removeAll(embeddedThisRun.keySet());
        Map<String, float[]> known = new HashMap<>(embeddedThisRun);
        known.putAll(store.embeddingsByContent(projectId, embedder.id(), hashes));

        Map<String, String> missing = new HashMap<>();
        batch.forEach(file -> file.chunks().forEach(chunk -> {
            if (!known.containsKey(chunk.contentSha256())) {
                missing.putIfAbsent(chunk.contentSha256(), embeddingInput(file.path(), chunk.text()));
            }
        }));
        if (!missing.isEmpty()) {
            List<String> order = new ArrayList<>(missing.keySet());
            List<float[]> vectors = embedder.embed(order.stream().map(missing::get).toList()).block(EMBED_TIMEOUT);
            if (vectors == null || vectors.size() != order.size()) {
                throw new IndexFailure("the embedder returned " + (vectors == null ? 0 : vectors.size())
                        + " vectors for " + order.size() + " chunks");
            }
            for (int i = 0; i < order.size(); i++) {
                known.put(order.get(i), checked(vectors.get(i)));
                embeddedThisRun.put(order.get(i), vectors.get(i));
            }
            counts.chunksEmbedded += order.size();
            embedded.increment(order.size());
        }
        List<ChunkStore.FileChunks> complete = new ArrayList<>(batch.size());
        for (ChunkStore.FileChunks file : batch) {
            List<ChunkStore.NewChunk> chunks = file.chunks().stream().map(chunk -> new ChunkStore.NewChunk(
                    chunk.ordinal(), chunk.startLine(), chunk.endLine(), chunk.contentSha256(), chunk.text(),
                    known.get(chunk.contentSha256()))).toList();
            complete.add(new ChunkStore.FileChunks(file.path(), file.contentSha256(), file.size(), chunks));
        }
        int total = complete.stream().mapToInt(file -> file.chunks().size()).sum();
        counts.chunksReused += total - missing.size();
        ChunkStore.Change change = store.replace(projectId, embedder.id(), complete);
        counts.chunksDeleted += change.removedIds().size();
        counts.filesIndexed += batch.size();
        counts.report("indexing");
        return change;
    }

    private float[] checked(float[] vector) {
        if (vector.length != embedder.dimension()) {
            throw new IndexFailure("the embedder returned a vector of " + vector.length + " dimensions, expected "
                    + embedder.dimension());
        }
        for (float x : vector) {
            if (!Float.isFinite(x)) {
                throw new IndexFailure("the embedder returned a vector with a non-finite component");
            }
        }
        return vector;
    }

    private byte[] readOrNull(Path root, String path) throws IOException {
        try {
            return WorkspaceFiles.read(root, path, maxFileBytes);
        } catch (NoSuchFileException | java.nio.file.FileSystemLoopException gone) {
            return null;
        } catch (IOException unreadable) {
            if (unreadable.getMessage() != null && unreadable.getMessage().contains("symbolic link")) {
                return null;
            }
            throw unreadable;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What a run changed, applied to the in-memory vectors once at its end (rebuilding them per batch would cost a
     * copy of every vector each time); a run that adds more rows than is worth carrying invalidates them instead.
     */
    private static final class CacheDelta {
        private final List<Long> removed = new ArrayList<>();
        private final List<ProjectVectors.Row> added = new ArrayList<>();
        private boolean tooLarge;

        void add(ChunkStore.Change change) {
            removed.addAll(change.removedIds());
            if (!tooLarge) {
                added.addAll(change.added());
                if (added.size() > MAX_ROWS_APPLIED_IN_MEMORY) {
                    tooLarge = true;
                    added.clear();
                }
            }
        }

        void applyTo(VectorCache cache, String projectId) {
            if (tooLarge) {
                cache.invalidate(projectId);
            } else {
                cache.apply(projectId, new ChunkStore.Change(removed, added));
            }
        }
    }

    private static final class Progress {
        final String runId;
        final String projectId;
        final Consumer<IndexProgress> listener;
        int filesScanned;
        int filesToIndex;
        int filesIndexed;
        int filesDeleted;
        int chunksEmbedded;
        int chunksReused;
        int chunksDeleted;

        Progress(String runId, String projectId, Consumer<IndexProgress> listener) {
            this.runId = runId;
            this.projectId = projectId;
            this.listener = listener;
        }

        void report(String phase) {
            listener.accept(new IndexProgress(runId, projectId, phase, filesScanned, filesToIndex, filesIndexed,
                    chunksEmbedded, chunksReused, chunksDeleted));
        }
    }
}
