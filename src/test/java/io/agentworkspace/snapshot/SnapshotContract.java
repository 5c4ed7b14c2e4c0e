package io.agentworkspace.snapshot;

import static io.agentworkspace.support.ProblemAssertions.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.EventCounts;
import io.agentworkspace.support.FidelityTree;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.WorkspaceTrees;
import io.agentworkspace.workspace.Workspaces;

/**
 * The snapshot round trip and the integrity checks over real HTTP, run by each archive driver's subclass: the
 * tree after a restore is the tree at snapshot time (content and mode of every entry, .git included), and a
 * corrupted or missing archive is refused with the workspace untouched.
 */
abstract class SnapshotContract {

    @Autowired
    WebTestClient http;
    @Autowired
    DataDirectory data;
    @Autowired
    Workspaces workspaces;
    @Autowired
    JdbcTemplate jdbc;

    /** Where the driver under test keeps the bytes of a snapshot's archive. */
    abstract Path storedArchive(String projectId, String snapshotId);

    /** Extra content for the round trip (the S3 driver adds a large file, for a multipart upload). */
    void addContent(Path workspace) throws Exception {
    }

    @BeforeEach
    void asAdmin() {
        http = AdminToken.authorize(http, AdminToken.read(data.root()));
    }

    String newProject() {
        // beside the data directory: repositories inside it are never registered
        Path origin = data.root().resolveSibling(data.root().getFileName() + "-origins")
                .resolve(java.util.UUID.randomUUID().toString());
        return ProjectWorkspaces.registerAndClone(http, GitRepositories.withCommits(origin, 2).path());
    }

    @Test
    void restoreBringsBackTheExactTreeOfSnapshotTime() throws Exception {
        String projectId = newProject();
        Path workspace = workspaces.of(projectId);
        FidelityTree.beforeSnapshot(workspace);
        addContent(workspace);
        Map<String, String> atSnapshot = WorkspaceTrees.manifest(workspace);

        String snapshotId = take(projectId, "round trip");
        JsonNode created = awaitStatus(projectId, snapshotId, "created");
        Path archive = storedArchive(projectId, snapshotId);
        assertThat(created.get("sha256").asText()).isEqualTo(WorkspaceTrees.sha256(archive));
        assertThat(created.get("sizeBytes").asLong()).isEqualTo(Files.size(archive));
        assertThat(created.get("fileCount").asLong())
                .isEqualTo(atSnapshot.values().stream().filter(entry -> !entry.startsWith("dir")).count());
        assertThat(created.get("commitId").asText()).matches("[0-9a-f]{40}");

        FidelityTree.afterSnapshot(workspace);
        assertThat(WorkspaceTrees.manifest(workspace)).isNotEqualTo(atSnapshot);
        long restoredEvents = events(SnapshotRestored.class);

        JsonNode report = restore(projectId, snapshotId).expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();

        assertThat(WorkspaceTrees.manifest(workspace)).isEqualTo(atSnapshot);
        assertThat(texts(report.get("addedPaths"))).contains("assets/img/blob.bin", "empty/inner");
        assertThat(texts(report.get("removedPaths"))).contains("junk.txt");
        assertThat(texts(report.get("modifiedPaths"))).contains("file-1.txt", "private.key", "run.sh", "link-to-notes",
                FidelityTree.NON_ASCII);
        assertThat(report.get("commitBefore").asText()).isNotEqualTo(report.get("commitAfter").asText());
        assertThat(report.get("commitAfter").asText()).isEqualTo(created.get("commitId").asText());
        assertThat(events(SnapshotRestored.class)).isEqualTo(restoredEvents + 1);
        assertThat(report.get("snapshotId").asText()).as("the event's fields, at the top of the report").isEqualTo(snapshotId);
        assertThat(report.get("projectId").asText()).isEqualTo(projectId);
        assertThat(report.hasNonNull("restoreId")).isTrue();
        assertThat(report.hasNonNull("restoredAt")).isTrue();
    }

    @Test
    void aCorruptedArchiveIsRefusedAndTheWorkspaceIsUntouched() throws Exception {
        String projectId = newProject();
        Path workspace = workspaces.of(projectId);
        String snapshotId = take(projectId, null);
        awaitStatus(projectId, snapshotId, "created");
        Files.writeString(workspace.resolve("file-1.txt"), "work after the snapshot\n");
        Map<String, String> before = WorkspaceTrees.manifest(workspace);
        long failures = events(SnapshotRestoreFailed.class);

        Path archive = storedArchive(projectId, snapshotId);
        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(archive, bytes);

        JsonNode problem = problem(restore(projectId, snapshotId), HttpStatus.CONFLICT, "snapshot-archive-corrupt");
        assertThat(problem.get("detail").asText()).contains("integrity", "not changed");
        assertThat(WorkspaceTrees.manifest(workspace)).isEqualTo(before);
        assertThat(events(SnapshotRestoreFailed.class)).isEqualTo(failures + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> get(projectId, snapshotId).hasNonNull("lastRestoreFailure"));
    }

    @Test
    void aMissingArchiveIsRefusedAndTheWorkspaceIsUntouched() throws Exception {
        String projectId = newProject();
        Path workspace = workspaces.of(projectId);
        String snapshotId = take(projectId, null);
        awaitStatus(projectId, snapshotId, "created");
        Files.writeString(workspace.resolve("new.txt"), "after\n");
        Map<String, String> before = WorkspaceTrees.manifest(workspace);

        Files.delete(storedArchive(projectId, snapshotId));

        problem(restore(projectId, snapshotId), HttpStatus.CONFLICT, "snapshot-archive-missing");
        assertThat(WorkspaceTrees.manifest(workspace)).isEqualTo(before);
    }

    String take(String projectId, String label) {
        return http.post().uri("/api/projects/" + projectId + "/snapshots").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(label == null ? Map.of() : Map.of("label", label))
                .exchange().expectStatus().isAccepted()
                .expectHeader().valueMatches("Location", "/api/projects/" + projectId + "/snapshots/[0-9a-f-]{36}")
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
    }

    WebTestClient.ResponseSpec restore(String projectId, String snapshotId) {
        return http.post().uri("/api/projects/" + projectId + "/snapshots/" + snapshotId + "/restore").exchange();
    }

    JsonNode get(String projectId, String snapshotId) {
        return http.get().uri("/api/projects/" + projectId + "/snapshots/" + snapshotId).exchange()
                .returnResult(JsonNode.class).getResponseBody().blockFirst(Duration.ofSeconds(10));
    }

    JsonNode awaitStatus(String projectId, String snapshotId, String status) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> get(projectId, snapshotId), body -> body != null && body.has("status")
                        && (status.equals(body.get("status").asText()) || "failed".equals(body.get("status").asText())
                        && fail(body)));
    }

    private static boolean fail(JsonNode body) {
        throw new AssertionError("snapshot failed: " + body);
    }

    long events(Class<?> type) {
        return EventCounts.of(jdbc, type);
    }

    static java.util.List<String> texts(JsonNode array) {
        java.util.List<String> values = new java.util.ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
