package io.agentworkspace.rag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.lang.Nullable;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * The in-memory vectors of each searched project, loaded from the store on first search (one load at a time per
 * project, shared by the searches waiting on it), changed by the index runs of this node, dropped when an
 * index run this node did not apply completes, and evicted least-recently-searched first beyond
 * {@code agent.rag.cache.max-bytes}.
 *
 * <p>Every change bumps the project's generation; a load that started before a change is handed to the searches
 * that waited for it but not kept, so a stale load can never overwrite newer vectors.
 */
@Component
class VectorCache implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(VectorCache.class);

    private static final class Slot {
        long generation;
        @Nullable
        ProjectVectors vectors;
        @Nullable
        CompletableFuture<ProjectVectors> loading;
        long lastUsed;
        @Nullable
        String appliedRun;
    }

    private final ChunkStore store;
    private final Embedder embedder;
    private final long limit;
    private final ExecutorService loader = Executors.newSingleThreadExecutor(new CustomizableThreadFactory("rag-cache-load-"));
    private final Map<String, Slot> slots = new HashMap<>();

    VectorCache(ChunkStore store, Embedder embedder, RagSettings settings, MeterRegistry meters) {
        this.store = store;
        this.embedder = embedder;
        this.limit = settings.cache().limit();
        Gauge.builder("agent.rag.cache.bytes", this, VectorCache::bytes)
                .description("Heap held by the in-memory vectors of all cached projects").baseUnit("bytes").register(meters);
        Gauge.builder("agent.rag.cache.projects", this, cache -> cache.loadedProjects())
                .description("Projects whose vectors are in memory").register(meters);
    }

    CompletableFuture<ProjectVectors> get(String projectId) {
        CompletableFuture<ProjectVectors> loading;
        long generation;
        synchronized (this) {
            Slot slot = slots.computeIfAbsent(projectId, id -> new Slot());
            slot.lastUsed = System.nanoTime();
            if (slot.vectors != null) {
                return CompletableFuture.completedFuture(slot.vectors);
            }
            if (slot.loading != null) {
                return slot.loading;
            }
            loading = new CompletableFuture<>();
            slot.loading = loading;
            generation = slot.generation;
        }
        loader.execute(() -> load(projectId, generation, loading));
        return loading;
    }

    private void load(String projectId, long generation, CompletableFuture<ProjectVectors> loading) {
        try {
            long started = System.nanoTime();
            ProjectVectors.Builder builder = new ProjectVectors.Builder(embedder.id(), embedder.dimension(),
                    (int) store.vectorCount(projectId, embedder.id()));
            store.forEachVector(projectId, embedder.id(), stored -> builder.add(stored.id(), stored.path(), stored.embedding()));
            ProjectVectors vectors = builder.build();
            synchronized (this) {
                Slot slot = slots.get(projectId);
                if (slot != null && slot.loading == loading) {
                    slot.loading = null;
                    if (slot.generation == generation) {
                        slot.vectors = vectors;
                        evictBeyondLimit(projectId);
                    }
                }
            }
            log.info("loaded {} vectors of project {} in {} ms", vectors.size, projectId,
                    (System.nanoTime() - started) / 1_000_000);
            loading.complete(vectors);
        } catch (RuntimeException | Error failure) {
            synchronized (this) {
                Slot slot = slots.get(projectId);
                if (slot != null && slot.loading == loading) {
                    slot.loading = null;
                }
            }
            loading.completeExceptionally(failure);
        }
    }

    /**
     * What an index run changed, applied when the project's vectors are loaded. Idempotent against a load that saw
     * part of the run: removed ids go if present, added ids replace rows of the same id.
     */
    void apply(String projectId, ChunkStore.Change change) {
        if (change.removedIds().isEmpty() && change.added().isEmpty()) {
            return;
        }
        ProjectVectors base;
        long generation;
        synchronized (this) {
            Slot slot = slots.get(projectId);
            if (slot == null) {
                return;
            }
            slot.generation++;
            if (slot.vectors == null) {
                return;
            }
            base = slot.vectors;
            generation = slot.generation;
        }
        ProjectVectors next = base.with(new HashSet<>(change.removedIds()), change.added());
        synchronized (this) {
            Slot slot = slots.get(projectId);
            if (slot != null) {
                slot.vectors = slot.generation == generation && slot.vectors == base ? next : null;
                slot.generation++;
            }
        }
    }

    /** Marks a finished run as applied in memory here, so its completion event does not drop the vectors. */
    synchronized void applied(String projectId, String runId) {
        Slot slot = slots.get(projectId);
        if (slot != null) {
            slot.appliedRun = runId;
        }
    }

    /** An index run completed: the vectors are current only if this node applied that run itself. */
    synchronized void completed(String projectId, String runId) {
        Slot slot = slots.get(projectId);
        if (slot != null && !runId.equals(slot.appliedRun)) {
            invalidate(slot);
        }
    }

    synchronized void invalidate(String projectId) {
        Slot slot = slots.get(projectId);
        if (slot != null) {
            invalidate(slot);
        }
    }

    private static void invalidate(Slot slot) {
        slot.vectors = null;
        slot.generation++;
    }

    private void evictBeyondLimit(String keep) {
        long total = bytes();
        if (total <= limit) {
            return;
        }
        List<Map.Entry<String, Slot>> loaded = new ArrayList<>(slots.entrySet().stream()
                .filter(entry -> entry.getValue().vectors != null && !entry.getKey().equals(keep)).toList());
        loaded.sort(Comparator.comparingLong(entry -> entry.getValue().lastUsed));
        for (Map.Entry<String, Slot> entry : loaded) {
            if (total <= limit) {
                break;
            }
            total -= entry.getValue().vectors.bytes();
            log.info("evicting the vectors of project {} from memory (cache limit {} bytes)", entry.getKey(), limit);
            invalidate(entry.getValue());
        }
    }

    synchronized long bytes() {
        return slots.values().stream().filter(slot -> slot.vectors != null).mapToLong(slot -> slot.vectors.bytes()).sum();
    }

    private synchronized long loadedProjects() {
        return slots.values().stream().filter(slot -> slot.vectors != null).count();
    }

    @Override
    public void destroy() {
        loader.shutdownNow();
    }
}
