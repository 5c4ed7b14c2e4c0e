package io.agentworkspace.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.AgentWorkspaceApplication;
import io.agentworkspace.infrastructure.Directories;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.S3rverProcess;
import io.agentworkspace.workspace.Workspaces;

/**
 * Snapshot create and restore of a large workspace (default 10,000 files, 200 MB: half source-like text, half
 * incompressible binaries) through the whole service over HTTP, with the local driver and with the s3 driver
 * against s3rver on loopback. Create is timed from the POST to the snapshot showing "created" (archive written
 * and stored, event projected); restore is the POST of the restore after 100 files were changed, until its
 * response. One warm-up round, then 3 timed rounds per driver; the median and the spread are printed.
 *
 * Run: deploy/dev/bench.sh SnapshotBenchmark [files] [megabytes]
 */
public final class SnapshotBenchmark {

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int megabytes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path root = Files.createTempDirectory("snapshot-bench");
        Path origin = GitRepositories.withCommits(root.resolve("origin"), 1).path();
        System.out.printf("Snapshot benchmark: %d files, %d MB (half text, half random), embedded profile, gzip level 1%n",
                files, megabytes);
        System.out.println("| driver | archive MB | create s median (min–max) | restore s median (min–max) | CPU over the 3 rounds |");
        System.out.println("|---|---|---|---|---|");
        try (S3rverProcess s3 = S3rverProcess.start("bench")) {
            for (String driver : List.of("local", "s3")) {
                run(driver, root.resolve("data-" + driver), origin, files, megabytes, s3);
            }
        }
        Directories.deleteRecursively(root);
    }

    private static void run(String driver, Path dataDir, Path origin, int files, int megabytes, S3rverProcess s3)
            throws Exception {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(AgentWorkspaceApplication.class).run(
                "--server.port=0", "--agent.data-dir=" + dataDir, "--agent.snapshots.driver=" + driver,
                "--agent.snapshots.s3.endpoint=" + s3.endpoint(), "--agent.snapshots.s3.bucket=" + s3.bucket(),
                "--agent.snapshots.s3.path-style-access=true",
                "--agent.snapshots.s3.access-key-id=" + S3rverProcess.ACCESS_KEY_ID,
                "--agent.snapshots.s3.secret-access-key=" + S3rverProcess.SECRET_ACCESS_KEY,
                "--agent.rag.index-on-clone=false", "--logging.level.io.agentworkspace=WARN");
        try {
            // a restore asks for a RAG reindex in the background: measured apart (RagIndexBenchmark), not in here
            app.getBean(org.axonframework.config.EventProcessingConfiguration.class)
                    .eventProcessor("rag-index-triggers").ifPresent(org.axonframework.eventhandling.EventProcessor::shutDown);
            int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            WebTestClient http = AdminToken.authorize(WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                    .responseTimeout(Duration.ofMinutes(5)).build(), AdminToken.read(dataDir));
            String projectId = ProjectWorkspaces.registerAndClone(http, origin);
            Path workspace = app.getBean(Workspaces.class).of(projectId);
            generate(workspace, files, megabytes);

            round(http, projectId, workspace, 0); // warm-up
            HostCpu meter = new HostCpu(driver.equals("s3") ? s3.pid() : null);
            HostCpu.Sample before = meter.sample();
            double[] creates = new double[3];
            double[] restores = new double[3];
            long archive = 0;
            for (int r = 0; r < 3; r++) {
                double[] timed = round(http, projectId, workspace, r + 1);
                creates[r] = timed[0];
                restores[r] = timed[1];
                archive = (long) timed[2];
            }
            HostCpu.Sample after = meter.sample();
            Arrays.sort(creates);
            Arrays.sort(restores);
            System.out.printf("| %s | %.1f | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) | %s%s |%n", driver, archive / 1e6,
                    creates[1], creates[0], creates[2], restores[1], restores[0], restores[2],
                    HostCpu.describe(before, after).replace("server CPU", driver.equals("s3") ? "s3rver CPU" : "no separate server; —")
                            .replace("driver JVM CPU", "service JVM CPU (incl. driver)"), "");
        } finally {
            app.close();
        }
    }

    /** One snapshot, 100 files changed, one restore; returns create seconds, restore seconds, archive bytes. */
    private static double[] round(WebTestClient http, String projectId, Path workspace, int round) throws Exception {
        long started = System.nanoTime();
        String snapshotId = http.post().uri("/api/projects/" + projectId + "/snapshots").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of()).exchange().expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
        JsonNode snapshot;
        do {
            Thread.sleep(20);
            snapshot = http.get().uri("/api/projects/" + projectId + "/snapshots/" + snapshotId).exchange()
                    .returnResult(JsonNode.class).getResponseBody().blockFirst(Duration.ofSeconds(30));
            if (snapshot != null && "failed".equals(snapshot.path("status").asText())) {
                throw new IllegalStateException("snapshot failed: " + snapshot);
            }
        } while (snapshot == null || !"created".equals(snapshot.path("status").asText()));
        double create = (System.nanoTime() - started) / 1e9;
        for (int i = 0; i < 100; i++) {
            Files.writeString(workspace.resolve("src-" + i + "/file-0.txt"), "changed in round " + round + "\n");
        }
        started = System.nanoTime();
        http.post().uri("/api/projects/" + projectId + "/snapshots/" + snapshotId + "/restore").exchange()
                .expectStatus().isOk();
        double restore = (System.nanoTime() - started) / 1e9;
        http.delete().uri("/api/projects/" + projectId + "/snapshots/" + snapshotId).exchange().expectStatus().isNoContent();
        return new double[] {create, restore, snapshot.get("sizeBytes").asLong()};
    }

    private static void generate(Path workspace, int files, int megabytes) throws Exception {
        long half = megabytes * 1024L * 1024L / 2;
        int binaries = Math.max(1, files / 200);
        int texts = files - binaries;
        String[] words = ("public private static final class record void return if else for while new this int long "
                + "String List Map import package throws try catch workspace snapshot archive restore event").split(" ");
        SplittableRandom random = new SplittableRandom(2026);
        long textBytes = half / texts;
        for (int i = 0; i < texts; i++) {
            Path dir = Files.createDirectories(workspace.resolve("src-" + (i % 100)));
            StringBuilder text = new StringBuilder((int) textBytes + 64);
            while (text.length() < textBytes) {
                text.append(words[random.nextInt(words.length)]).append(random.nextInt(8) == 0 ? '\n' : ' ');
            }
            Files.writeString(dir.resolve("file-" + (i / 100) + ".txt"), text, StandardCharsets.UTF_8);
        }
        byte[] block = new byte[(int) (half / binaries)];
        for (int i = 0; i < binaries; i++) {
            random.nextBytes(block);
            Files.write(Files.createDirectories(workspace.resolve("assets")).resolve("blob-" + i + ".bin"), block);
        }
    }
}
