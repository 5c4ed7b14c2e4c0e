package io.agentworkspace.bench;

import java.util.Arrays;
import java.util.List;

import io.agentworkspace.rag.SearchBenchFixture;

/**
 * RAG search latency, k = 10, one search at a time (closed loop, one client), over a project's in-memory vectors:
 * the default search (int8 sketch bounds + exact rescoring, split across the search threads) against a full exact
 * float scan, 1 and 2 threads, on random vectors and on clustered ones (harder for the sketch). Also memory per
 * 100k vectors, and a check that the sketched search returns exactly what the full scan returns.
 *
 * Needs the heap for 500k × 768 (about 2 GB of vectors, twice that while building):
 *   AGENT_BENCH_HEAP=6g deploy/dev/bench.sh RagSearchBenchmark [50000x1536] [500000x768] ...
 */
public final class RagSearchBenchmark {

    record Config(String label, int n, int dimension, int clusters) {
    }

    public static void main(String[] args) throws Exception {
        List<String> sizes = args.length > 0 ? List.of(args) : List.of("50000x1536", "500000x768");
        System.out.printf("RAG search benchmark: k=10, %d CPUs, max heap %d MB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.println("| vectors | data | mode | threads | p50 ms | p95 ms | p99 ms | p95 min–max | searches/s | CPU ms/search | CPU |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (String size : sizes) {
            String[] parts = size.split("x");
            int n = Integer.parseInt(parts[0]);
            int d = Integer.parseInt(parts[1]);
            for (Config config : List.of(new Config("random", n, d, 0), new Config("clustered", n, d, 500))) {
                run(config);
                System.gc();
            }
        }
    }

    static void run(Config config) throws Exception {
        long heapBefore = usedHeap();
        try (SearchBenchFixture fixture = SearchBenchFixture.build(config.n(), config.dimension(), config.clusters(), 42)) {
            long heapAfter = usedHeap();
            String vectors = String.format("%dk × %d", config.n() / 1000, config.dimension());
            if (config.clusters() == 0) {
                System.out.printf("<!-- %s: kernel %s; memory per 100k vectors: %.0f MB by the arrays, %.0f MB measured heap -->%n",
                        vectors, fixture.kernel(), fixture.bytes() * 100_000.0 / config.n() / 1e6,
                        (heapAfter - heapBefore) * 100_000.0 / config.n() / 1e6);
            }
            int queries = config.n() >= 200_000 ? 60 : 200;
            for (int threads : new int[] {2, 1}) {
                fixture.threads(threads);
                if (!fixture.sameAsFullScan(20, 10, 7)) {
                    throw new IllegalStateException("sketched search differs from the full scan: " + config);
                }
                for (boolean prefilter : new boolean[] {true, false}) {
                    fixture.search(queries / 2, 10, prefilter, 1); // warm-up
                    double[] p50 = new double[3];
                    double[] p95 = new double[3];
                    double[] p99 = new double[3];
                    double rate = 0;
                    double[] cpuPerSearch = new double[3];
                    String cpu = "";
                    for (int r = 0; r < 3; r++) {
                        HostCpu meter = new HostCpu(null);
                        HostCpu.Sample before = meter.sample();
                        long[] nanos = fixture.search(queries, 10, prefilter, 100 + r);
                        HostCpu.Sample after = meter.sample();
                        Arrays.sort(nanos);
                        p50[r] = nanos[nanos.length / 2] / 1e6;
                        p95[r] = nanos[(int) Math.ceil(nanos.length * 0.95) - 1] / 1e6;
                        p99[r] = nanos[(int) Math.ceil(nanos.length * 0.99) - 1] / 1e6;
                        rate = queries / ((after.wallNanos() - before.wallNanos()) / 1e9);
                        cpu = HostCpu.describe(before, after).replace(", server CPU 0.00s", "");
                        cpuPerSearch[r] = (after.jvmNanos() - before.jvmNanos()) / 1e6 / queries;
                    }
                    double[] sorted95 = p95.clone();
                    Arrays.sort(sorted95);
                    System.out.printf("| %s | %s | %s | %d | %.1f | %.1f | %.1f | %.1f–%.1f | %.0f | %.1f | %s |%n", vectors,
                            config.label(), prefilter ? "sketch + exact rescoring" : "full exact scan", threads,
                            median(p50), median(p95), median(p99), sorted95[0], sorted95[2], rate, median(cpuPerSearch),
                            cpu);
                }
            }
        }
    }

    private static double median(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy[copy.length / 2];
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
