package io.agentworkspace.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.RunningApp;
import io.agentworkspace.support.TestServices;

/**
 * An index request is not lost when the node stops before its job ran: the request is an event, and the job
 * processor's token passes it only once the job has finished, so the next start runs it.
 */
class RagIndexRestartIT {

    @TempDir
    Path scratch;

    @Test
    void aRequestWhoseJobNeverRanIsRunAfterRestart() {
        String database = TestServices.createDatabase();
        Path dataDir = scratch.resolve("data");
        GitRepositories.Repo repo = GitRepositories.withCommits(scratch.resolve("repo"), 2);
        Map<String, Object> noAutoIndex = Map.of("agent.rag.index-on-clone", "false");
        String projectId;
        String runId;
        try (RunningApp first = RunningApp.start(database, dataDir, noAutoIndex)) {
            WebTestClient http = first.http();
            projectId = http.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("name", "restart-" + UUID.randomUUID(), "localPath", repo.path().toString()))
                    .exchange().expectStatus().isAccepted().expectBody(JsonNode.class).returnResult()
                    .getResponseBody().get("id").asText();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "ready".equals(http.get()
                    .uri("/api/projects/" + projectId).exchange().expectBody(JsonNode.class).returnResult()
                    .getResponseBody().at("/workspace/status").asText()));
            first.bean(EventProcessingConfiguration.class)
                    .eventProcessor(RagIndexDispatcher.PROCESSOR, StreamingEventProcessor.class).orElseThrow().shutDown();

            runId = http.post().uri("/api/projects/" + projectId + "/rag/reindex").exchange()
                    .expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody()
                    .get("runId").asText();
            String run = "/api/projects/" + projectId + "/rag/runs/" + runId;
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> "requested".equals(
                    http.get().uri(run).exchange().expectBody(JsonNode.class).returnResult().getResponseBody()
                            .get("status").asText()));
        }

        try (RunningApp second = RunningApp.start(database, dataDir, noAutoIndex)) {
            WebTestClient http = second.http();
            String run = "/api/projects/" + projectId + "/rag/runs/" + runId;
            JsonNode completed = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http.get().uri(run)
                    .exchange().expectBody(JsonNode.class).returnResult().getResponseBody(),
                    body -> "completed".equals(body.get("status").asText()));
            assertThat(completed.at("/counts/filesChanged").asInt()).isEqualTo(3);
            assertThat(second.jdbc().queryForObject("SELECT COUNT(*) FROM DomainEventEntry WHERE aggregateIdentifier = ?",
                    Integer.class, runId)).as("requested and completed, once each").isEqualTo(2);
            JsonNode found = http.post().uri("/api/projects/" + projectId + "/search").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("query", "class Main", "k", 1)).exchange().expectStatus().isOk()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();
            assertThat(found.at("/hits/0/path").asText()).isEqualTo("src/nested/Main.java");
        }
    }
}
