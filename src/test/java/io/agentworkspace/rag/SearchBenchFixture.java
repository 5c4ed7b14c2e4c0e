package io.agentworkspace.rag;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;

/**
 * Test-side access to the search internals for {@code io.agentworkspace.bench.RagSearchBenchmark}: a project's
 * in-memory vectors built from random data, and timed searches over them.
 */
public final class SearchBenchFixture implements AutoCloseable {

    private final ProjectVectors vectors;
    private final int dimension;
    private final float[][] centres;
    private ForkJoinPool pool;
    private ExactTopK search;

    private SearchBenchFixture(ProjectVectors vectors, int dimension, float[][] centres) {
        this.vectors = vectors;
        this.dimension = dimension;
        this.centres = centres;
    }

    /**
     * {@code n} vectors of {@code dimension} random components; with {@code clusters > 0}, vectors are a random
     * centre plus as much noise (pairwise cosine about 0.5 within a cluster), closer to real embeddings and harder
     * for the sketch to prune.
     */
    public static SearchBenchFixture build(int n, int dimension, int clusters, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) {
            centres[c] = gaussianish(random, dimension);
        }
        List<ProjectVectors.Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] v = gaussianish(random, dimension);
            if (clusters > 0) {
                float[] centre = centres[random.nextInt(clusters)];
                for (int j = 0; j < dimension; j++) {
                    v[j] += centre[j];
                }
            }
            rows.add(new ProjectVectors.Row(i + 1, "src/module" + (i % 100) + "/File" + (i % 5000) + ".java", v));
        }
        return new SearchBenchFixture(ProjectVectors.of("bench", dimension, rows), dimension, centres);
    }

    public SearchBenchFixture threads(int threads) {
        if (pool != null) {
            pool.shutdownNow();
        }
        pool = new ForkJoinPool(threads);
        search = new ExactTopK(DotKernels.best(), pool);
        return this;
    }

    public String kernel() {
        return DotKernels.best().name();
    }

    /** Heap held by the snapshot's arrays. */
    public long bytes() {
        return vectors.bytes();
    }

    public int size() {
        return vectors.size;
    }

    /** Latency in nanoseconds of each of {@code count} searches, run one after another. */
    public long[] search(int count, int k, boolean prefilter, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            float[] query = query(random);
            long started = System.nanoTime();
            List<ExactTopK.Hit> hits = pool.submit(() -> search.search(vectors, query, k, 0, vectors.size, prefilter)).get();
            nanos[i] = System.nanoTime() - started;
            if (hits.size() != Math.min(k, vectors.size)) {
                throw new IllegalStateException("search returned " + hits.size() + " hits");
            }
        }
        return nanos;
    }

    /** Whether the sketched search returns exactly the ids and scores of the full scan, for {@code count} queries. */
    public boolean sameAsFullScan(int count, int k, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            float[] query = query(random);
            List<ExactTopK.Hit> sketched = pool.submit(() -> search.search(vectors, query, k, 0, vectors.size, true)).get();
            List<ExactTopK.Hit> full = pool.submit(() -> search.search(vectors, query, k, 0, vectors.size, false)).get();
            if (!sketched.equals(full)) {
                return false;
            }
        }
        return true;
    }

    private float[] query(SplittableRandom random) {
        float[] q = gaussianish(random, dimension);
        if (centres.length > 0) {
            float[] centre = centres[random.nextInt(centres.length)];
            for (int j = 0; j < dimension; j++) {
                q[j] += centre[j];
            }
        }
        double norm = 0;
        for (float x : q) {
            norm += (double) x * x;
        }
        for (int j = 0; j < dimension; j++) {
            q[j] = (float) (q[j] / Math.sqrt(norm));
        }
        return q;
    }

    /** Sum of three uniforms: close enough to a Gaussian for random directions, and fast to draw. */
    private static float[] gaussianish(SplittableRandom random, int dimension) {
        float[] v = new float[dimension];
        for (int j = 0; j < dimension; j++) {
            v[j] = (float) (random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5);
        }
        return v;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
