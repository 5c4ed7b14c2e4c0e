package io.agentworkspace.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jgit.api.Git;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.rag.IndexProgressListener;
import io.agentworkspace.rag.IndexRunView;
import io.agentworkspace.rag.RagIndexing;
import io.agentworkspace.support.RunningApp;
import io.agentworkspace.support.TestServices;
import io.agentworkspace.workspace.Workspaces;

/**
 * RAG indexing throughput with the local embedder, end to end on the production profile (MariaDB, embeddings in a
 * JSON column): a project is registered, cloned and indexed (the index run the clone triggers), then reindexed
 * with nothing changed, then with 10 % of its files changed. Figures come from the runs' own events (files, chunks,
 * duration). Three projects, median and spread.
 *
 *   deploy/dev/bench.sh RagIndexBenchmark [files] [lines-per-file]
 */
public final class RagIndexBenchmark {

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 1500;
        int lines = args.length > 1 ? Integer.parseInt(args[1]) : 150;
        Path scratch = Files.createTempDirectory("rag-index-bench");
        Path repo = repository(scratch.resolve("repo"), files, lines);
        Long serverPid = HostCpu.mariaDbPid();
        try (RunningApp app = RunningApp.start(TestServices.createDatabase(), scratch.resolve("data"),
                Map.of("agent.rag.index-on-clone", "true", "logging.level.root", "WARN"))) {
            WebTestClient http = app.http();
            RagIndexing indexing = app.bean(RagIndexing.class);
            System.out.printf("RAG indexing benchmark: %d files × %d lines, local embedder (384 dimensions), MariaDB JSON column%n",
                    files, lines);
            System.out.println("| run | files scanned | files changed | chunks embedded | duration ms (median) | min–max | chunks/s | CPU |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            List<long[]> full = new ArrayList<>();
            List<long[]> unchanged = new ArrayList<>();
            List<long[]> tenth = new ArrayList<>();
            String fullCpu = "";
            String unchangedCpu = "";
            String tenthCpu = "";
            for (int r = 0; r < 4; r++) {
                HostCpu meter = new HostCpu(serverPid);
                HostCpu.Sample before = meter.sample();
                String id = register(http, repo);
                IndexRunView first = awaitFirstRun(indexing, id);
                HostCpu.Sample afterFull = meter.sample();
                IndexRunView same = indexing.reindex(id, "cli", "bench", IndexProgressListener.NONE).block(Duration.ofMinutes(10));
                HostCpu.Sample afterSame = meter.sample();
                Path workspace = app.bean(Workspaces.class).of(id);
                for (int f = 0; f < files; f += 10) {
                    Files.writeString(workspace.resolve(fileName(f)), "// changed\n", java.nio.file.StandardOpenOption.APPEND);
                }
                HostCpu.Sample beforeTenth = meter.sample();
                IndexRunView changed = indexing.reindex(id, "cli", "bench", IndexProgressListener.NONE).block(Duration.ofMinutes(10));
                HostCpu.Sample afterTenth = meter.sample();
                if (r == 0) {
                    continue; // warm-up
                }
                full.add(figures(first));
                unchanged.add(figures(same));
                tenth.add(figures(changed));
                fullCpu = HostCpu.describe(before, afterFull);
                unchangedCpu = HostCpu.describe(afterFull, afterSame);
                tenthCpu = HostCpu.describe(beforeTenth, afterTenth);
            }
            print("full index (after clone)", full, fullCpu);
            print("reindex, nothing changed", unchanged, unchangedCpu);
            print("reindex, 10 % of files changed", tenth, tenthCpu);
        }
    }

    /** files scanned, files changed, chunks embedded, duration ms */
    private static long[] figures(IndexRunView run) {
        if (run == null || run.counts() == null) {
            throw new IllegalStateException("index run did not complete: " + run);
        }
        return new long[] {run.counts().filesScanned(), run.counts().filesChanged(), run.counts().chunksEmbedded(),
                run.durationMs()};
    }

    private static void print(String label, List<long[]> runs, String cpu) {
        long[] durations = runs.stream().mapToLong(r -> r[3]).sorted().toArray();
        long median = durations[durations.length / 2];
        long[] typical = runs.stream().filter(r -> r[3] == median).findFirst().orElseThrow();
        double chunksPerSecond = typical[2] == 0 ? 0 : typical[2] * 1000.0 / Math.max(1, median);
        System.out.printf("| %s | %d | %d | %d | %d | %d–%d | %s | %s |%n", label, typical[0], typical[1], typical[2],
                median, durations[0], durations[durations.length - 1],
                typical[2] == 0 ? String.format("(%.0f files/s scanned)", typical[0] * 1000.0 / Math.max(1, median))
                        : String.format("%.0f", chunksPerSecond), cpu);
    }

    private static IndexRunView awaitFirstRun(RagIndexing indexing, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<IndexRunView> runs = indexing.runs(id, 1).collectList().block(Duration.ofSeconds(10));
            if (runs != null && !runs.isEmpty() && runs.get(0).finished()) {
                return runs.get(0);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no index run after the clone of " + id);
    }

    private static String register(WebTestClient http, Path repo) {
        JsonNode created = http.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "bench-" + UUID.randomUUID(), "localPath", repo.toString()))
                .exchange().expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody();
        return created.get("id").asText();
    }

    private static String fileName(int f) {
        return "src/pkg" + (f % 40) + "/Service" + f + ".java";
    }

    /** A repository of Java-like files whose words vary, so chunks differ and none is reused by content. */
    private static Path repository(Path dir, int files, int lines) throws Exception {
        String[] words = ("invoice ledger account customer order payment refund tax report balance audit journal "
                + "entry settle transfer currency rate discount shipment warehouse stock supplier contract").split(" ");
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int f = 0; f < files; f++) {
            StringBuilder text = new StringBuilder("package pkg" + (f % 40) + ";\n\npublic class Service" + f + " {\n");
            for (int l = 0; l < lines; l++) {
                if (l % 12 == 0) {
                    text.append("\n    void ").append(words[random.nextInt(words.length)]).append(f).append('_').append(l)
                            .append("() {\n");
                }
                text.append("        ").append(words[random.nextInt(words.length)]).append('.')
                        .append(words[random.nextInt(words.length)]).append("(").append(random.nextInt(1000))
                        .append(");\n");
                if (l % 12 == 11) {
                    text.append("    }\n");
                }
            }
            text.append("}\n");
            Path file = dir.resolve(fileName(f));
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        }
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("bench").setAuthor("Bench", "b@example.com").setCommitter("Bench", "b@example.com")
                    .setSign(false).call();
        }
        return dir;
    }
}
