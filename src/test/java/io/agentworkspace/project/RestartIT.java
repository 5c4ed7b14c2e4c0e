package io.agentworkspace.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.projection.ProcessorProgress;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.RunningApp;
import io.agentworkspace.support.TestServices;
import io.agentworkspace.support.Tokens;

/**
 * A restart: a second application context on the same MariaDB keeps the history and the read models, and the
 * projection resumes from its stored token instead of replaying (a replay would hit the read model's primary keys
 * and stall the processor, so the new projects would never appear).
 */
class RestartIT {

    /** An index run after a clone appends events that would move the token after it was read. */
    private static final Map<String, Object> NO_INDEXING = Map.of("agent.rag.index-on-clone", "false");

    @TempDir
    Path scratch;

    @Test
    void aNewContextOnTheSameDatabaseKeepsEventsAndReadModelsAndResumesFromItsToken() {
        String database = TestServices.createDatabase();
        Path dataDir = scratch.resolve("data");
        GitRepositories.Repo repo = GitRepositories.withCommits(scratch.resolve("repo"), 2);
        List<String> before = new ArrayList<>();
        long tokenBefore;

        try (RunningApp first = RunningApp.start(database, dataDir, NO_INDEXING)) {
            for (int i = 0; i < 3; i++) {
                before.add(register(first.http(), "before-" + i, repo));
            }
            before.forEach(id -> awaitReady(first.http(), id));
            await().atMost(Duration.ofSeconds(10)).until(() -> Tokens.position(first.jdbc(), ProjectProjection.PROCESSOR)
                    >= maxGlobalIndex(first));
            tokenBefore = Tokens.position(first.jdbc(), ProjectProjection.PROCESSOR);
        }

        try (RunningApp second = RunningApp.start(database, dataDir, NO_INDEXING)) {
            WebTestClient http = second.http();
            JsonNode page = list(http);
            assertThat(page.get("items").findValuesAsText("id")).containsExactlyInAnyOrderElementsOf(before);
            assertThat(page.get("items").findValuesAsText("status")).containsOnly("ready");
            assertThat(Tokens.position(second.jdbc(), ProjectProjection.PROCESSOR)).isEqualTo(tokenBefore);

            List<String> after = List.of(register(http, "after-0", repo), register(http, "after-1", repo));
            after.forEach(id -> awaitReady(http, id));

            JsonNode all = list(http);
            assertThat(all.get("total").asInt()).isEqualTo(5);
            assertThat(all.get("items").findValuesAsText("id")).doesNotHaveDuplicates().hasSize(5);
            assertThat(second.jdbc().queryForObject(
                    "SELECT COUNT(*) FROM (SELECT id FROM projects GROUP BY id HAVING COUNT(*) > 1) d", Integer.class)).isZero();
            assertThat(second.jdbc().queryForObject(
                    "SELECT COUNT(*) FROM DomainEventEntry WHERE payloadType LIKE 'io.agentworkspace.project.%'", Integer.class))
                    .as("ProjectRegistered + WorkspaceCloned for each of 5 projects").isEqualTo(10);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    Tokens.position(second.jdbc(), ProjectProjection.PROCESSOR) >= maxGlobalIndex(second));
            assertThat(Tokens.position(second.jdbc(), ProjectProjection.PROCESSOR)).isGreaterThan(tokenBefore);
            ProcessorProgress.Progress progress = second.bean(ProcessorProgress.class).sample().get(ProjectProjection.PROCESSOR);
            assertThat(progress.errored()).isFalse();
        }
    }

    static String register(WebTestClient http, String name, GitRepositories.Repo repo) {
        return http.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", name + "-" + UUID.randomUUID(), "localPath", repo.path().toString()))
                .exchange().expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
    }

    static void awaitReady(WebTestClient http, String id) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode body = http.get().uri("/api/projects/" + id).exchange()
                    .returnResult(JsonNode.class).getResponseBody().blockFirst(Duration.ofSeconds(5));
            return body != null && body.has("workspace") && "ready".equals(body.at("/workspace/status").asText());
        });
    }

    static JsonNode list(WebTestClient http) {
        return http.get().uri("/api/projects?limit=500").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    static long maxGlobalIndex(RunningApp app) {
        return app.jdbc().queryForObject("SELECT MAX(globalIndex) FROM DomainEventEntry", Long.class);
    }
}
