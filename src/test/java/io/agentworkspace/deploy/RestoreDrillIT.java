package io.agentworkspace.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.console.PackagedServer;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.AppProcess;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.LeakCanaries;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.ProjectionsApi;
import io.agentworkspace.support.S3rverProcess;
import io.agentworkspace.support.Scripts;
import io.agentworkspace.support.TestServices;

/**
 * Backups that prove themselves. A packaged service on MariaDB + Redis gets projects, a run, a snapshot, secrets,
 * tokens and a pairing; deploy/backup.sh backs it up while it runs and copies the backup to S3 (s3rver) through the
 * service's own S3 client; deploy/restore-drill.sh restores it into a fresh database and directory and reports, one
 * line per check, the files intact, every table equal to the backup, the chain intact, every read model equal by
 * checksum, the rebuildable ones rebuilt equal, the secrets decrypting with the master key and not with another,
 * and the service ready on the copy. A backup whose read model was altered (checksums rewritten to match) fails the
 * drill; so does one whose files no longer match their checksums.
 */
class RestoreDrillIT {

    /** The script provider is a test and demo provider: enabled here, in this one place. */
    @Test
    void aBackupRestoresIntoAServingCopyThatChecksOutAndATamperedOneFails() throws Exception {
        String database = TestServices.createDatabase();
        Path work = Files.createTempDirectory("agent-restore-drill");
        Path dataDir = Files.createDirectories(work.resolve("source-data"));
        Path origin = GitRepositories.withCommits(work.resolve("origin"), 2).path();
        Path backups = work.resolve("backups");
        try (S3rverProcess s3 = S3rverProcess.start("agent-offsite");
             PackagedServer source = PackagedServer.create(database, dataDir, properties())) {
            source.start(Duration.ofSeconds(180));
            WebTestClient http = AdminToken.authorize(WebTestClient.bindToServer().baseUrl(source.baseUrl())
                    .responseTimeout(Duration.ofSeconds(30)).build(), AdminToken.read(dataDir));
            String projectName = populate(http, origin);
            ProjectionsApi.awaitCaughtUp(http);

            Map<String, String> backupEnv = new HashMap<>(Scripts.database(database));
            backupEnv.putAll(Map.of("AGENT_DATA_DIR", dataDir.toString(), "AGENT_BACKUP_KEEP", "2",
                    "AGENT_BACKUP_S3", "1", "AGENT_JAR", AppProcess.jar().toAbsolutePath().toString(),
                    "AGENT_JAVA", javaBinary(), "AGENT_JAVA_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1",
                    "AGENT_MASTER_KEY", MySqlProfile.TEST_MASTER_KEY,
                    "AGENT_REDIS_HOST", TestServices.redis().host(), "AGENT_REDIS_PORT", Integer.toString(TestServices.redis().port()),
                    "AGENT_OPS_ARGS", "--spring.profiles.active=mysql --agent.snapshots.s3.endpoint=" + s3.endpoint()
                            + " --agent.snapshots.s3.bucket=" + s3.bucket() + " --agent.snapshots.s3.path-style-access=true"
                            + " --agent.snapshots.s3.access-key-id=" + S3rverProcess.ACCESS_KEY_ID
                            + " --agent.snapshots.s3.secret-access-key=" + S3rverProcess.SECRET_ACCESS_KEY));
            Scripts.Result backup = Scripts.run(List.of("deploy/backup.sh", backups.toString()), backupEnv,
                    Duration.ofMinutes(5));
            assertThat(backup.exitCode()).as(backup.output()).isZero();
            Path base = Path.of(backup.lastLine());
            String stamp = base.getFileName().toString().substring("agent-workspace-".length());
            for (String file : List.of(base + ".sql.gz", backups + "/agent-workspace-data-" + stamp + ".tar.gz",
                    base + ".info", base + ".sha256")) {
                Path local = Path.of(file);
                assertThat(local).exists();
                Path offsite = s3.objectFile("backups/" + stamp + "/" + local.getFileName());
                assertThat(offsite).as("off-site copy of " + local.getFileName()).exists();
                assertThat(Files.mismatch(offsite, local)).as("off-site copy equals " + local.getFileName()).isEqualTo(-1);
            }
            assertThat(Files.readString(Path.of(base + ".sha256"))).contains(".sql.gz", ".tar.gz", ".info");

            Scripts.Result drill = drill(base);
            System.out.println(drill.output());
            assertThat(drill.exitCode()).as(drill.output()).isZero();
            assertThat(drill.output())
                    .containsPattern("(?m)^ok   checksums: 3 files match")
                    .containsPattern("(?m)^ok   restore: into database ")
                    .containsPattern("(?m)^ok   tables: \\d+ tables with rows, every row equal to the backup")
                    .containsPattern("(?m)^ok   processors: ")
                    .containsPattern("(?m)^ok   chain: intact: \\d+ events verified")
                    .containsPattern("(?m)^ok   secrets: 2 of 2 decrypt with the master key")
                    .containsPattern("(?m)^ok   secrets without the key: 0 of 2 data keys open with another key")
                    .containsPattern("(?m)^ok   service: ready on the restored copy ")
                    .containsPattern("(?m)^ok   recovery: restore [0-9.]+ s \\+ start [0-9.]+ s = [0-9.]+ s")
                    .doesNotContain("FAIL");
            for (String projection : List.of("api-tokens", "pairings", "projects", "rag-index-runs", "runs", "secrets",
                    "snapshots")) {
                assertThat(drill.output()).containsPattern("(?m)^ok   read-model " + projection
                        + ": [1-9]\\d* rows, equal to the backup \\(sha256 [0-9a-f]{16}\\)");
            }
            for (String projection : List.of("api-tokens", "pairings", "projects", "rag-index-runs", "secrets", "snapshots")) {
                assertThat(drill.output()).containsPattern("(?m)^ok   rebuild " + projection
                        + ": rebuilt from \\d+ events: [1-9]\\d* rows, equal to the restored model");
            }
            java.util.regex.Matcher restoredInto = java.util.regex.Pattern.compile("restore: into database (\\S+) ")
                    .matcher(drill.output());
            assertThat(restoredInto.find()).isTrue();
            assertThat(TestServices.databaseExists(restoredInto.group(1))).as("the drill's copy is dropped").isFalse();

            // a read model altered in the backup (and its checksums rewritten to match): the rebuild from the
            // history tells, and the drill fails
            Path tampered = Files.createDirectories(work.resolve("tampered"));
            for (Path file : List.of(Path.of(base + ".info"), backups.resolve("agent-workspace-data-" + stamp + ".tar.gz"))) {
                Files.copy(file, tampered.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            String dump;
            try (var in = new GZIPInputStream(Files.newInputStream(Path.of(base + ".sql.gz")))) {
                dump = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            assertThat(dump).contains("'" + projectName + "'");
            try (var out = new GZIPOutputStream(Files.newOutputStream(tampered.resolve(base.getFileName() + ".sql.gz")))) {
                out.write(dump.replace("'" + projectName + "'", "'renamed-behind-its-back'")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            Scripts.Result sums = Scripts.run(List.of("sh", "-c", "cd " + tampered + " && sha256sum *.sql.gz *.tar.gz *.info > "
                    + base.getFileName() + ".sha256"), Map.of(), Duration.ofSeconds(30));
            assertThat(sums.exitCode()).as(sums.output()).isZero();
            Scripts.Result caught = drill(tampered.resolve(base.getFileName()));
            System.out.println(caught.output());
            assertThat(caught.exitCode()).as(caught.output()).isEqualTo(1);
            assertThat(caught.output()).containsPattern("(?m)^FAIL rebuild projects: rebuilt from \\d+ events")
                    .containsPattern("(?m)^ok   read-model projects: ")
                    .containsPattern("(?m)^DRILL FAILED: 1 check\\(s\\) failed")
                    .doesNotContain("FAIL rebuild api-tokens").doesNotContain("FAIL rebuild pairings");

            // files that no longer match their checksums are not even restored
            Files.writeString(tampered.resolve(base.getFileName() + ".info"), "stamp=forged\n");
            Scripts.Result refused = drill(tampered.resolve(base.getFileName()));
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.output()).containsPattern("(?m)^FAIL checksums: the files do not match")
                    .doesNotContain("restore: into");
        }
    }

    private static Map<String, String> properties() {
        // the script provider is on through AppProcess (SuiteSettings)
        Map<String, String> properties = new HashMap<>();
        properties.put("agent.runs.poll-interval", "200ms");
        properties.put("agent.secrets.master-key", MySqlProfile.TEST_MASTER_KEY);
        return properties;
    }

    private static Scripts.Result drill(Path base) throws Exception {
        Map<String, String> env = new HashMap<>(Scripts.database("unused"));
        env.putAll(Map.of("AGENT_JAR", AppProcess.jar().toAbsolutePath().toString(), "AGENT_JAVA", javaBinary(),
                "AGENT_JAVA_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1", "AGENT_MASTER_KEY", MySqlProfile.TEST_MASTER_KEY,
                "AGENT_DRILL_PORT", Integer.toString(freePort()), "AGENT_DRILL_MANAGEMENT_PORT", Integer.toString(freePort())));
        return Scripts.run(List.of("deploy/restore-drill.sh", base.toString()), env, Duration.ofMinutes(10));
    }

    /**
     * A project (cloned, indexed, snapshotted), a script run on it, two secrets, a token, a pairing code; returns
     * the project's name once all of it, and the work it sets off (RAG index runs), is done.
     */
    private static String populate(WebTestClient http, Path origin) {
        String projectId = ProjectWorkspaces.registerAndClone(http, origin);
        String runId = http.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("projectId", projectId, "queue", "agents-default", "provider", "script", "model", "script",
                        "prompt", "say backing up\ntool write_file {\"path\":\"notes.txt\",\"content\":\"kept\\n\"}\nsay done"))
                .exchange().expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("id").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> "succeeded".equals(
                get(http, "/api/runs/" + runId).path("state").asText()));
        String snapshotId = http.post().uri("/api/projects/" + projectId + "/snapshots").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("label", "before the backup")).exchange().expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> "created".equals(
                get(http, "/api/projects/" + projectId + "/snapshots/" + snapshotId).path("status").asText()));
        for (String name : List.of("openai.api-key", "drill.webhook")) {
            String value = LeakCanaries.register("sk-test-only-" + UUID.randomUUID());
            http.put().uri("/api/secrets/" + name).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("value", value))
                    .exchange().expectStatus().isCreated();
        }
        http.post().uri("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "drill operator", "preset", "operator")).exchange().expectStatus().isCreated();
        http.post().uri("/api/pairings").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("label", "drill phone"))
                .exchange().expectStatus().isCreated();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode runs = get(http, "/api/projects/" + projectId + "/rag/runs");
            return runs != null && runs.isArray() && !runs.isEmpty()
                    && runs.findValuesAsText("status").stream().noneMatch("requested"::equals);
        });
        return get(http, "/api/projects/" + projectId).path("name").asText();
    }

    private static JsonNode get(WebTestClient http, String uri) {
        return http.get().uri(uri).exchange().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
