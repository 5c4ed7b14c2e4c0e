package io.agentworkspace.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The search returns what a brute-force scan in double precision returns over the same vectors: the same top-k ids
 * in the same order, scores within 1e-6. On 50k random vectors, on adversarial near-duplicates (where the sketch
 * can prune little), through both kernels, with and without the sketch, with path prefixes.
 */
class ExactTopKTest {

    /** brute-force top 1000 per (query, prefix, rows), computed once */
    static final java.util.Map<String, List<long[]>> REFERENCES = new java.util.HashMap<>();
    static final java.util.Map<Integer, double[]> NORMS = new java.util.HashMap<>();
    static final int N = 50_000;
    static final int D = 384;
    static ForkJoinPool pool;
    static List<ProjectVectors.Row> random;
    static ProjectVectors randomVectors;

    @BeforeAll
    static void vectors() {
        pool = new ForkJoinPool(2);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
        random = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            float[] v = new float[D];
            for (int j = 0; j < D; j++) {
                v[j] = (float) (rnd.nextDouble() * 2 - 1);
            }
            random.add(new ProjectVectors.Row(i + 1, "dir" + (i % 50) + "/file" + (i % 997) + ".txt", v));
        }
        randomVectors = ProjectVectors.of("test", D, random);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    @Test
    void equalsBruteForceOn50kRandomVectors() throws Exception {
        Random rnd = new Random(7);
        for (DotKernels kernels : List.of(DotKernels.best(), new ScalarDotKernels())) {
            ExactTopK search = new ExactTopK(kernels, pool);
            for (int q = 0; q < 8; q++) {
                float[] query = gaussian(rnd);
                for (int k : new int[] {1, 10, 1000}) {
                    for (boolean prefilter : new boolean[] {true, false}) {
                        assertSame(search, randomVectors, random, query, k, "", prefilter);
                    }
                }
            }
        }
        assertThat(DotKernels.best().name()).as("tests run with the Vector API module").startsWith("simd");
    }

    @Test
    void pathPrefixRestrictsTheSearchToThoseFiles() throws Exception {
        ExactTopK search = new ExactTopK(DotKernels.best(), pool);
        float[] query = gaussian(new Random(3));
        for (String prefix : List.of("dir1", "dir17/", "dir4/file9", "nothing/")) {
            List<ExactTopK.Hit> hits = assertSame(search, randomVectors, random, query, 10, prefix, true);
            hits.forEach(hit -> assertThat(randomVectors.pathOfRow(hit.row())).startsWith(prefix));
            if (prefix.equals("nothing/")) {
                assertThat(hits).isEmpty();
            }
        }
    }

    @Test
    void staysExactWhenVectorsAreNearDuplicates() throws Exception {
        // clusters of almost equal vectors: sketch bounds overlap, so the candidate set must grow, never the error
        Random rnd = new Random(11);
        List<ProjectVectors.Row> rows = new ArrayList<>();
        float[][] centres = new float[20][];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = gaussian(rnd);
        }
        for (int i = 0; i < 20_000; i++) {
            float[] v = centres[i % centres.length].clone();
            for (int j = 0; j < D; j++) {
                v[j] += (rnd.nextFloat() - 0.5f) * 2e-3f;
            }
            rows.add(new ProjectVectors.Row(i + 1, "c" + (i % 7), v));
        }
        ProjectVectors vectors = ProjectVectors.of("test", D, rows);
        ExactTopK search = new ExactTopK(DotKernels.best(), pool);
        for (int q = 0; q < 5; q++) {
            float[] query = centres[q].clone();
            query[q] += 0.5f;
            assertSame(search, vectors, rows, query, 10, "", true);
        }
    }

    @Test
    void appliesAnIndexRunInMemoryAsAReloadWouldLoadIt() {
        List<ProjectVectors.Row> rows = random.subList(0, 1000);
        ProjectVectors before = ProjectVectors.of("test", D, rows);
        List<ProjectVectors.Row> added = List.of(new ProjectVectors.Row(5001, "new.txt", gaussian(new Random(1))),
                new ProjectVectors.Row(5002, "dir1/x.txt", gaussian(new Random(2))));
        ProjectVectors after = before.with(java.util.Set.of(1L, 2L, 3L), added);
        List<ProjectVectors.Row> expected = new ArrayList<>(rows.subList(3, rows.size()));
        expected.addAll(added);
        ProjectVectors reloaded = ProjectVectors.of("test", D, expected);
        assertThat(after.ids).isEqualTo(reloaded.ids);
        assertThat(after.paths).isEqualTo(reloaded.paths);
        assertThat(after.vectors).isEqualTo(reloaded.vectors);
        assertThat(after.codes).isEqualTo(reloaded.codes);
    }

    @Test
    void aLoadBuiltRowByRowEqualsOneBuiltFromAList() {
        List<ProjectVectors.Row> rows = new ArrayList<>(random.subList(0, 3000));
        ProjectVectors expected = ProjectVectors.of("test", D, rows);
        for (boolean sortedInput : new boolean[] {true, false}) {
            List<ProjectVectors.Row> input = new ArrayList<>(rows);
            if (sortedInput) {
                input.sort(Comparator.comparing(ProjectVectors.Row::path).thenComparingLong(ProjectVectors.Row::id));
            }
            ProjectVectors.Builder builder = new ProjectVectors.Builder("test", D, 100);
            input.forEach(row -> builder.add(row.id(), row.path(), row.vector()));
            ProjectVectors built = builder.build();
            assertThat(built.ids).isEqualTo(expected.ids);
            assertThat(built.paths).isEqualTo(expected.paths);
            assertThat(built.pathStart).isEqualTo(expected.pathStart);
            assertThat(built.vectors).isEqualTo(expected.vectors);
            assertThat(built.codes).isEqualTo(expected.codes);
            assertThat(built.errors).isEqualTo(expected.errors);
        }
    }

    static List<ExactTopK.Hit> assertSame(ExactTopK search, ProjectVectors vectors, List<ProjectVectors.Row> rows,
                                          float[] query, int k, String prefix, boolean prefilter) throws Exception {
        float[] unit = unit(query);
        int[] range = vectors.rowRange(prefix);
        List<ExactTopK.Hit> hits = pool.submit(() -> search.search(vectors, unit, k, range[0], range[1], prefilter)).get();
        List<long[]> all = REFERENCES.computeIfAbsent(System.identityHashCode(query) + "|" + prefix + "|" + System.identityHashCode(rows), key -> bruteForce(rows, query, 1000, prefix));
        List<long[]> reference = all.subList(0, Math.min(k, all.size()));
        assertThat(hits).hasSize(reference.size());
        List<Double> referenceScores = reference.stream().map(r -> Double.longBitsToDouble(r[1])).toList();
        for (int i = 0; i < hits.size(); i++) {
            assertThat((double) hits.get(i).score()).as("score %d", i).isCloseTo(referenceScores.get(i), within(1e-6));
            boolean apartFromPrevious = i == 0 || referenceScores.get(i - 1) - referenceScores.get(i) > 2e-6;
            boolean apartFromNext = i + 1 == referenceScores.size() || referenceScores.get(i) - referenceScores.get(i + 1) > 2e-6;
            if (apartFromPrevious && apartFromNext) {
                assertThat(hits.get(i).id()).as("id at %d (k=%d, prefilter=%s)", i, k, prefilter)
                        .isEqualTo(reference.get(i)[0]);
            }
        }
        if (!reference.isEmpty()) {
            double last = referenceScores.get(referenceScores.size() - 1);
            List<Long> clearlyIn = reference.stream().filter(r -> Double.longBitsToDouble(r[1]) > last + 2e-6)
                    .map(r -> r[0]).toList();
            assertThat(hits.stream().map(ExactTopK.Hit::id).toList()).as("same top-k ids").containsAll(clearlyIn);
        }
        return hits;
    }

    /** id and score (as long bits) of the best k, computed in double from the raw vectors. */
    static List<long[]> bruteForce(List<ProjectVectors.Row> rows, float[] query, int k, String prefix) {
        double queryNorm = Math.sqrt(IntStream.range(0, D).mapToDouble(j -> (double) query[j] * query[j]).sum());
        double[] norms = NORMS.computeIfAbsent(System.identityHashCode(rows), key -> rows.stream()
                .mapToDouble(row -> Math.sqrt(IntStream.range(0, D).mapToDouble(j -> (double) row.vector()[j] * row.vector()[j]).sum()))
                .toArray());
        List<long[]> scored = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            ProjectVectors.Row row = rows.get(i);
            if (!row.path().startsWith(prefix)) {
                continue;
            }
            double dot = 0;
            for (int j = 0; j < D; j++) {
                dot += (double) row.vector()[j] * query[j];
            }
            scored.add(new long[] {row.id(), Double.doubleToLongBits(dot / (norms[i] * queryNorm))});
        }
        scored.sort(Comparator.<long[]>comparingDouble(r -> -Double.longBitsToDouble(r[1])).thenComparingLong(r -> r[0]));
        return scored.subList(0, Math.min(k, scored.size()));
    }

    static float[] gaussian(Random rnd) {
        float[] v = new float[D];
        for (int j = 0; j < D; j++) {
            v[j] = rnd.nextFloat() * 2 - 1;
        }
        return v;
    }

    static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        float[] unit = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            unit[j] = (float) (v[j] / Math.sqrt(norm));
        }
        return unit;
    }
}
