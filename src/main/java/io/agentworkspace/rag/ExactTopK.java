package io.agentworkspace.rag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;

/**
 * Exact top-k by cosine over a {@link ProjectVectors} snapshot. Scanning every float of 50k × 1536 vectors reads
 * 300 MB per query, which memory bandwidth alone puts at 40–80 ms on our machines; so a search runs in two
 * stages that together return exactly what a full scan returns:
 * <ol>
 * <li>Sketch: each row's int8 codes give an approximate score {@code a}; the exact score lies within
 * {@code a ± (error + SLACK)}, where {@code error} is the row's quantization error norm (Cauchy–Schwarz against a
 * unit query) and {@code SLACK} covers float rounding in both stages. The k-th largest lower bound {@code L} is a
 * score the true top-k all reach, so every row whose upper bound is below {@code L} cannot be in it.</li>
 * <li>Rescore: every remaining candidate is scored exactly on its float vector, and the best k are kept.</li>
 * </ol>
 * The sketch is a quarter of the bytes. How many candidates survive depends on the data (a few hundred of 50k for
 * random vectors); if none could be pruned, the answer is still exact, only slower. With {@code prefilter} off
 * every row is scored exactly. Ties are broken by the lower chunk id, so results are deterministic.
 */
final class ExactTopK {

    /** Far above the float rounding of either stage (≈ 1e-5 for 4096 dimensions), far below quantization error. */
    static final float SLACK = 1e-4f;
    /** Below this many floats per part, splitting across threads costs more than it saves. */
    private static final long MIN_FLOATS_PER_PART = 2_000_000;

    record Hit(int row, long id, float score) {
    }

    private final DotKernels kernels;
    private final ForkJoinPool pool;
    private final int parts;

    ExactTopK(DotKernels kernels, ForkJoinPool pool) {
        this.kernels = kernels;
        this.pool = pool;
        this.parts = Math.max(1, pool.getParallelism());
    }

    String kernelName() {
        return kernels.name();
    }

    /** The best {@code k} rows of {@code [from, to)} for a unit-length query, best first. Call from the pool. */
    List<Hit> search(ProjectVectors vectors, float[] query, int k, int from, int to, boolean prefilter) {
        int rows = to - from;
        if (rows <= 0 || k <= 0) {
            return List.of();
        }
        int split = (int) Math.min(parts, Math.max(1, (long) rows * vectors.dimension / MIN_FLOATS_PER_PART));
        List<Part> tasks = new ArrayList<>(split);
        for (int p = 0; p < split; p++) {
            tasks.add(new Part(vectors, query, k, from + (int) ((long) rows * p / split),
                    from + (int) ((long) rows * (p + 1) / split), prefilter));
        }
        List<PartResult> results = new ArrayList<>(split);
        if (split == 1) {
            results.add(tasks.get(0).compute());
        } else {
            for (Part task : RecursiveTask.invokeAll(tasks)) {
                results.add(task.join());
            }
        }
        return merge(vectors, query, k, results, prefilter);
    }

    /** What one part of the rows yields: its k best lower bounds, and the rows that may still be in the top k. */
    private record PartResult(float[] lowerBounds, int[] candidates, float[] upperBounds, int count, TopHits exact) {
    }

    private final class Part extends RecursiveTask<PartResult> {
        private final ProjectVectors v;
        private final float[] query;
        private final int k;
        private final int from;
        private final int to;
        private final boolean prefilter;

        Part(ProjectVectors v, float[] query, int k, int from, int to, boolean prefilter) {
            this.v = v;
            this.query = query;
            this.k = k;
            this.from = from;
            this.to = to;
            this.prefilter = prefilter;
        }

        @Override
        protected PartResult compute() {
            int d = v.dimension;
            if (!prefilter) {
                TopHits top = new TopHits(k);
                for (int row = from; row < to; row++) {
                    top.offer(row, v.ids[row], kernels.dot(v.vectors, row * d, query, d));
                }
                return new PartResult(null, null, null, 0, top);
            }
            FloatMinHeap lower = new FloatMinHeap(k);
            int[] candidates = new int[Math.min(to - from, 1024)];
            float[] uppers = new float[candidates.length];
            int count = 0;
            for (int row = from; row < to; row++) {
                float approx = v.scales[row] * kernels.dotCodes(v.codes, row * d, query, d);
                float margin = v.errors[row] + SLACK;
                lower.offer(approx - margin);
                float upper = approx + margin;
                if (upper >= lower.threshold()) {
                    if (count == candidates.length) {
                        // drop what the threshold has since ruled out before growing
                        count = compact(candidates, uppers, count, lower.threshold());
                        if (count > candidates.length / 2) {
                            candidates = Arrays.copyOf(candidates, candidates.length * 2);
                            uppers = Arrays.copyOf(uppers, uppers.length * 2);
                        }
                    }
                    candidates[count] = row;
                    uppers[count++] = upper;
                }
            }
            return new PartResult(lower.values(), candidates, uppers, count, null);
        }
    }

    private List<Hit> merge(ProjectVectors v, float[] query, int k, List<PartResult> results, boolean prefilter) {
        TopHits top = new TopHits(k);
        if (!prefilter) {
            results.forEach(result -> result.exact().drainInto(top));
            return top.best();
        }
        FloatMinHeap lower = new FloatMinHeap(k);
        for (PartResult result : results) {
            for (float bound : result.lowerBounds()) {
                lower.offer(bound);
            }
        }
        float threshold = lower.threshold();
        int d = v.dimension;
        for (PartResult result : results) {
            for (int i = 0; i < result.count(); i++) {
                if (result.upperBounds()[i] >= threshold) {
                    int row = result.candidates()[i];
                    top.offer(row, v.ids[row], kernels.dot(v.vectors, row * d, query, d));
                }
            }
        }
        return top.best();
    }

    private static int compact(int[] candidates, float[] uppers, int count, float threshold) {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (uppers[i] >= threshold) {
                candidates[kept] = candidates[i];
                uppers[kept++] = uppers[i];
            }
        }
        return kept;
    }

    /** The k largest floats seen; {@link #threshold()} is the smallest of them once k were seen. */
    static final class FloatMinHeap {
        private final float[] heap;
        private int size;

        FloatMinHeap(int k) {
            heap = new float[k];
        }

        void offer(float value) {
            if (size < heap.length) {
                heap[size] = value;
                siftUp(size++);
            } else if (value > heap[0]) {
                heap[0] = value;
                siftDown();
            }
        }

        float threshold() {
            return size < heap.length ? Float.NEGATIVE_INFINITY : heap[0];
        }

        float[] values() {
            return Arrays.copyOf(heap, size);
        }

        private void siftUp(int i) {
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heap[parent] <= heap[i]) {
                    return;
                }
                swap(i, parent);
                i = parent;
            }
        }

        private void siftDown() {
            int i = 0;
            while (true) {
                int left = 2 * i + 1;
                int smallest = i;
                if (left < size && heap[left] < heap[smallest]) {
                    smallest = left;
                }
                if (left + 1 < size && heap[left + 1] < heap[smallest]) {
                    smallest = left + 1;
                }
                if (smallest == i) {
                    return;
                }
                swap(i, smallest);
                i = smallest;
            }
        }

        private void swap(int a, int b) {
            float t = heap[a];
            heap[a] = heap[b];
            heap[b] = t;
        }
    }

    /** The k best (score, id) pairs: higher score first, the lower id on a tie. */
    static final class TopHits {
        private final int k;
        private final int[] rows;
        private final long[] ids;
        private final float[] scores;
        private int size;

        TopHits(int k) {
            this.k = k;
            rows = new int[k];
            ids = new long[k];
            scores = new float[k];
        }

        /** Whether a is worse than b: the heap keeps the worst at its root. */
        private boolean worse(float scoreA, long idA, float scoreB, long idB) {
            return scoreA < scoreB || (scoreA == scoreB && idA > idB);
        }

        void offer(int row, long id, float score) {
            if (size < k) {
                rows[size] = row;
                ids[size] = id;
                scores[size] = score;
                siftUp(size++);
            } else if (worse(scores[0], ids[0], score, id)) {
                rows[0] = row;
                ids[0] = id;
                scores[0] = score;
                siftDown();
            }
        }

        void drainInto(TopHits other) {
            for (int i = 0; i < size; i++) {
                other.offer(rows[i], ids[i], scores[i]);
            }
        }

        List<Hit> best() {
            List<Hit> hits = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                hits.add(new Hit(rows[i], ids[i], scores[i]));
            }
            hits.sort((a, b) -> a.score() != b.score() ? Float.compare(b.score(), a.score()) : Long.compare(a.id(), b.id()));
            return hits;
        }

        private void siftUp(int i) {
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!worse(scores[i], ids[i], scores[parent], ids[parent])) {
                    return;
                }
                swap(i, parent);
                i = parent;
            }
        }

        private void siftDown() {
            int i = 0;
            while (true) {
                int left = 2 * i + 1;
                int worst = i;
                if (left < size && worse(scores[left], ids[left], scores[worst], ids[worst])) {
                    worst = left;
                }
                if (left + 1 < size && worse(scores[left + 1], ids[left + 1], scores[worst], ids[worst])) {
                    worst = left + 1;
                }
                if (worst == i) {
                    return;
                }
                swap(i, worst);
                i = worst;
            }
        }

        private void swap(int a, int b) {
            int r = rows[a];
            rows[a] = rows[b];
            rows[b] = r;
            long id = ids[a];
            ids[a] = ids[b];
            ids[b] = id;
            float s = scores[a];
            scores[a] = scores[b];
            scores[b] = s;
        }
    }
}
