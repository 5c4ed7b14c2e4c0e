package io.agentworkspace.snapshot;

import static io.agentworkspace.support.ProblemAssertions.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.auth.Ability;
import io.agentworkspace.auth.TokenIssuance;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.EmbeddedApp;
import io.agentworkspace.support.EventCounts;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.WorkspaceTrees;
import io.agentworkspace.workspace.WorkspaceLease;
import io.agentworkspace.workspace.WorkspaceLocks;

/**
 * Snapshots on the embedded profile with the local driver: the shared round trip and integrity checks, and what
 * only needs one driver: the workspace lock, deletion, retention, abilities and bad input.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.snapshots.lock-wait=5s", "agent.snapshots.driver=local"})
class SnapshotLocalIT extends SnapshotContract {

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "snapshot-it");
    }

    @Autowired
    WorkspaceLocks locks;
    @Autowired
    TokenIssuance issuance;

    @Override
    Path storedArchive(String projectId, String snapshotId) {
        return data.root().resolve("snapshots/archives").resolve(projectId).resolve(snapshotId + ".tar.gz");
    }

    @Test
    void aRestoreWhileTheWorkspaceIsLockedFailsClearlyAfterItsWaitAndChangesNothing() throws Exception {
        String projectId = newProject();
        Path workspace = workspaces.of(projectId);
        String snapshotId = take(projectId, null);
        awaitStatus(projectId, snapshotId, "created");
        Files.writeString(workspace.resolve("file-1.txt"), "an agent's work\n");
        Map<String, String> before = WorkspaceTrees.manifest(workspace);

        WorkspaceLease run = locks.acquire(projectId, Duration.ofSeconds(5)).block();
        try {
            long started = System.nanoTime();
            JsonNode problem = problem(restore(projectId, snapshotId), HttpStatus.CONFLICT, "workspace-busy");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(4900));
            assertThat(problem.get("detail").asText()).contains("locked");
            assertThat(WorkspaceTrees.manifest(workspace)).isEqualTo(before);
            run.verify().block();
        } finally {
            run.release().block();
        }
    }

    @Test
    void aRestoreWaitsForTheRunHoldingTheLockAndNeverInterleavesWithIt() throws Exception {
        String projectId = newProject();
        Path workspace = workspaces.of(projectId);
        String snapshotId = take(projectId, null);
        awaitStatus(projectId, snapshotId, "created");
        Map<String, String> atSnapshot = WorkspaceTrees.manifest(workspace);

        WorkspaceLease run = locks.acquire(projectId, Duration.ofSeconds(5)).block();
        AtomicLong restoredAt = new AtomicLong();
        CompletableFuture<Void> restoring = CompletableFuture.runAsync(() -> {
            restore(projectId, snapshotId).expectStatus().isOk();
            restoredAt.set(System.nanoTime());
        }, runnable -> new Thread(runnable, "restore-client").start());
        // the "run" writes while it holds the lock; the restore must not touch the tree meanwhile
        for (int i = 0; i < 5; i++) {
            Files.writeString(workspace.resolve("agent-" + i + ".txt"), "step " + i + "\n");
            Thread.sleep(150);
            assertThat(workspace.resolve("agent-0.txt")).exists();
        }
        run.verify().block();
        long releasedAt = System.nanoTime();
        run.release().block();
        restoring.get(30, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(restoredAt.get()).isGreaterThan(releasedAt);
        assertThat(WorkspaceTrees.manifest(workspace)).isEqualTo(atSnapshot);
        // the run's lease was fenced off: a later lease has a higher token
        WorkspaceLease next = locks.acquire(projectId, Duration.ofSeconds(5)).block();
        assertThat(next.fencingToken()).isGreaterThan(run.fencingToken() + 1);
        next.release().block();
    }

    @Test
    void deleteRemovesTheSnapshotAndItsArchive() {
        String projectId = newProject();
        String snapshotId = take(projectId, "to delete");
        awaitStatus(projectId, snapshotId, "created");
        Path archive = storedArchive(projectId, snapshotId);
        assertThat(archive).exists();

        http.delete().uri("/api/projects/" + projectId + "/snapshots/" + snapshotId).exchange().expectStatus().isNoContent();

        JsonNode deleted = awaitStatus(projectId, snapshotId, "deleted");
        assertThat(deleted.get("deleteReason").asText()).isEqualTo("deleted on request");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(archive));
        problem(restore(projectId, snapshotId), HttpStatus.NOT_FOUND, "snapshot-not-found");
        problem(http.delete().uri("/api/projects/" + projectId + "/snapshots/" + snapshotId).exchange(),
                HttpStatus.NOT_FOUND, "snapshot-not-found");
        JsonNode listed = http.get().uri("/api/projects/" + projectId + "/snapshots").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(listed.get("items").findValuesAsText("id")).doesNotContain(snapshotId);
        JsonNode all = http.get().uri("/api/projects/" + projectId + "/snapshots?includeDeleted=true").exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(all.get("items").findValuesAsText("id")).contains(snapshotId);
    }

    @Test
    void retentionKeepsTheNewestAndPrunesTheRestAsEvents() {
        String projectId = newProject();
        String first = take(projectId, "first");
        awaitStatus(projectId, first, "created");
        String second = take(projectId, "second");
        awaitStatus(projectId, second, "created");
        long deletions = events(SnapshotDeleted.class);

        http.put().uri("/api/projects/" + projectId + "/snapshot-retention").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("keepLast", 1)).exchange().expectStatus().isOk();
        JsonNode pruned = awaitStatus(projectId, first, "deleted");
        assertThat(pruned.get("deleteReason").asText()).isEqualTo("retention: keep the last 1");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(storedArchive(projectId, first)));

        String third = take(projectId, "third");
        awaitStatus(projectId, third, "created");
        awaitStatus(projectId, second, "deleted");
        assertThat(get(projectId, third).get("status").asText()).isEqualTo("created");
        assertThat(events(SnapshotDeleted.class)).isEqualTo(deletions + 2);
        JsonNode policy = http.get().uri("/api/projects/" + projectId + "/snapshot-retention").exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(policy.get("keepLast").asInt()).isEqualTo(1);
    }

    @Test
    void snapshotEndpointsNeedTheirAbilities() {
        String projectId = newProject();
        String snapshotId = take(projectId, null);
        awaitStatus(projectId, snapshotId, "created");
        WebTestClient anonymous = http.mutate().defaultHeaders(headers -> headers.remove("Authorization")).build();
        WebTestClient reader = AdminToken.authorize(anonymous, ProjectWorkspaces.token(issuance, Ability.SNAPSHOTS_READ));
        WebTestClient browser = AdminToken.authorize(anonymous, ProjectWorkspaces.token(issuance, Ability.PROJECTS_READ,
                Ability.PROJECTS_WRITE));
        String base = "/api/projects/" + projectId;
        List<String> reads = List.of(base + "/snapshots", base + "/snapshots/" + snapshotId, base + "/snapshot-retention");
        for (String uri : reads) {
            problem(anonymous.get().uri(uri).exchange(), HttpStatus.UNAUTHORIZED, "unauthenticated");
            problem(browser.get().uri(uri).exchange(), HttpStatus.FORBIDDEN, "forbidden");
            reader.get().uri(uri).exchange().expectStatus().isOk();
        }
        for (WebTestClient client : List.of(reader, browser)) {
            problem(client.post().uri(base + "/snapshots").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of())
                    .exchange(), HttpStatus.FORBIDDEN, "forbidden");
            problem(client.post().uri(base + "/snapshots/" + snapshotId + "/restore").exchange(), HttpStatus.FORBIDDEN, "forbidden");
            problem(client.delete().uri(base + "/snapshots/" + snapshotId).exchange(), HttpStatus.FORBIDDEN, "forbidden");
            problem(client.put().uri(base + "/snapshot-retention").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("keepLast", 1)).exchange(), HttpStatus.FORBIDDEN, "forbidden");
        }
        problem(anonymous.post().uri(base + "/snapshots/" + snapshotId + "/restore").exchange(), HttpStatus.UNAUTHORIZED,
                "unauthenticated");
        assertThat(get(projectId, snapshotId).get("status").asText()).isEqualTo("created");
    }

    @Test
    void badRequestsAreProblemsAndWriteNothing() {
        String projectId = newProject();
        long events = snapshotEvents();
        String base = "/api/projects/" + projectId;
        problem(http.get().uri(base + "/snapshots/not-a-uuid").exchange(), HttpStatus.BAD_REQUEST, "invalid-snapshot-id");
        problem(http.get().uri("/api/projects/nope/snapshots").exchange(), HttpStatus.BAD_REQUEST, "invalid-project-id");
        problem(http.get().uri(base + "/snapshots/" + UUID.randomUUID()).exchange(), HttpStatus.NOT_FOUND, "snapshot-not-found");
        problem(http.post().uri(base + "/snapshots/" + UUID.randomUUID() + "/restore").exchange(), HttpStatus.NOT_FOUND,
                "snapshot-not-found");
        problem(http.post().uri("/api/projects/" + UUID.randomUUID() + "/snapshots").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of()).exchange(), HttpStatus.NOT_FOUND, "workspace-not-found");
        problem(http.post().uri(base + "/snapshots").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("label", "x".repeat(201))).exchange(), HttpStatus.BAD_REQUEST, "validation-failed");
        problem(http.put().uri(base + "/snapshot-retention").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("keepLast", 0)).exchange(), HttpStatus.BAD_REQUEST, "validation-failed");
        problem(http.put().uri(base + "/snapshot-retention").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"maxAgeSeconds\": \"soon\"}").exchange(), HttpStatus.BAD_REQUEST, "malformed-request");
        assertThat(snapshotEvents())
                .as("restore of an unknown snapshot records nothing either").isEqualTo(events);
    }

    /** Other modules (RAG indexing after a clone, for one) append events of their own meanwhile: count only ours. */
    private long snapshotEvents() {
        return EventCounts.inPackage(jdbc, "io.agentworkspace.snapshot");
    }
}
