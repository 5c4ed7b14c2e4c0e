package io.agentworkspace.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.S3rverProcess;
import io.agentworkspace.support.TestServices;
import io.agentworkspace.support.WorkspaceTrees;

/**
 * The same round trip and integrity checks with the S3 driver against a real S3-compatible server (s3rver, started
 * here on a free loopback port), on the production profile (MariaDB, Redis locks). The round trip carries a 52 MB
 * incompressible file, so its archive goes up as a multipart upload, seen in the server's own request log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("mysql")
class SnapshotS3IT extends SnapshotContract {

    static final String BUCKET = "agent-snapshots";
    static final int LARGE = 52 * 1024 * 1024;
    static S3rverProcess s3;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        MySqlProfile.register(registry, TestServices.createDatabase(), Files.createTempDirectory("agent-s3-it"));
        s3 = S3rverProcess.start(BUCKET);
        registry.add("agent.snapshots.driver", () -> "s3");
        registry.add("agent.snapshots.s3.endpoint", s3::endpoint);
        registry.add("agent.snapshots.s3.bucket", () -> BUCKET);
        registry.add("agent.snapshots.s3.path-style-access", () -> "true");
        registry.add("agent.snapshots.s3.access-key-id", () -> S3rverProcess.ACCESS_KEY_ID);
        registry.add("agent.snapshots.s3.secret-access-key", () -> S3rverProcess.SECRET_ACCESS_KEY);
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    Path storedArchive(String projectId, String snapshotId) {
        return s3.objectFile("snapshots/" + projectId + "/" + snapshotId + ".tar.gz");
    }

    @Override
    void addContent(Path workspace) throws Exception {
        Files.createDirectories(workspace.resolve("data"));
        Files.write(workspace.resolve("data/large.bin"), WorkspaceTrees.randomBytes(42, LARGE));
    }

    @Test
    @Override
    void restoreBringsBackTheExactTreeOfSnapshotTime() throws Exception {
        super.restoreBringsBackTheExactTreeOfSnapshotTime();
        JsonNode listed = http.get().uri("/api/projects/{id}/snapshots", projectOf(s3.requests())).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        JsonNode snapshot = listed.get("items").get(0);
        assertThat(snapshot.get("driver").asText()).isEqualTo("s3");
        assertThat(snapshot.get("sizeBytes").asLong()).isGreaterThanOrEqualTo(50L * 1024 * 1024);
        String key = "/" + BUCKET + "/snapshots/" + snapshot.get("projectId").asText() + "/" + snapshot.get("id").asText() + ".tar.gz";
        long parts = s3.requests().stream().filter(line -> line.startsWith("PUT " + key + "?") && line.contains("partNumber="))
                .count();
        assertThat(parts).as("parts uploaded for " + key + " in " + s3.requests()).isGreaterThanOrEqualTo(2);
        assertThat(s3.requests()).anyMatch(line -> line.startsWith("POST " + key + "?uploads"));
        assertThat(s3.requests()).anyMatch(line -> line.startsWith("GET " + key));
    }

    private static String projectOf(java.util.List<String> requests) {
        String upload = requests.stream().filter(line -> line.contains("partNumber=")).reduce((a, b) -> b).orElseThrow();
        return upload.split("/")[3];
    }
}
