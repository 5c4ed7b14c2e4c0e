package io.agentworkspace.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.EmbeddedApp;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.ProjectWorkspaces;

/**
 * Runs and RAG on the embedded profile: an agent searches its project's index as a tool during a script run, and
 * index jobs take their turn on the {@code rag-index} queue's slots (concurrency 1), so an index job waits while an
 * agent run of that queue holds the slot.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.runs.queues.rag-index.concurrency=1"})
class RunRagIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "runs-rag-it");
    }

    @Autowired
    WebTestClient anonymous;
    @Autowired
    DataDirectory data;

    @Test
    void anAgentSearchesItsProjectsIndexAsATool() throws Exception {
        WebTestClient http = http();
        String projectId = projectWith("src/Kangaroo.java", """
                package zoo;

                /** Hops across the outback, carrying a joey in its pouch. */
                class Kangaroo {
                    int hop(int metres) { return metres * 3; }
                }
                """);
        awaitIndexed(http, projectId);

        String runId = RunsApi.script(http, projectId, "agents-default", """
                tool search_workspace {"query":"kangaroo hops carrying a joey in its pouch","k":3}
                tool search_workspace {"query":"","k":3}
                tool search_workspace {"query":"pouch","pathPrefix":"docs/"}
                say searched
                """);
        JsonNode run = RunsApi.awaitEnded(http, runId, Duration.ofSeconds(30));
        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
        List<JsonNode> results = RunsApi.console(http, runId).stream()
                .filter(event -> event.get("event").asText().equals("run.tool-result")).toList();
        assertThat(results).hasSize(3);

        JsonNode found = results.get(0).get("data");
        assertThat(found.get("name").asText()).isEqualTo("search_workspace");
        assertThat(found.get("ok").asBoolean()).isTrue();
        JsonNode hits = JSON.readTree(found.get("output").asText()).get("hits");
        assertThat(hits.size()).isBetween(1, 3);
        assertThat(hits.get(0).get("path").asText()).isEqualTo("src/Kangaroo.java");
        assertThat(hits.get(0).get("text").asText()).contains("carrying a joey");

        JsonNode refused = results.get(1).get("data");
        assertThat(refused.get("ok").asBoolean()).as("an empty query is a failed tool result").isFalse();
        assertThat(refused.get("output").asText()).isNotBlank();

        JsonNode filtered = results.get(2).get("data");
        assertThat(filtered.get("ok").asBoolean()).isTrue();
        assertThat(JSON.readTree(filtered.get("output").asText()).get("hits").size()).isZero();
    }

    @Test
    void anIndexJobWaitsForTheRagIndexQueuesSlot() throws Exception {
        WebTestClient http = http();
        String projectId = projectWith("notes.md", "A note about wombats.\n");
        awaitIndexed(http, projectId);

        String holder = RunsApi.script(http, projectId, "rag-index", "say holding the slot\nsleep 60000");
        RunsApi.awaitState(http, holder, Duration.ofSeconds(30), java.util.Set.of("running"));
        String indexRun = http.post().uri("/api/projects/" + projectId + "/rag/reindex").exchange()
                .expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("runId").asText();

        Thread.sleep(3000);
        assertThat(indexRun(http, projectId, indexRun).get("status").asText())
                .as("the index job waits while the queue's only slot is taken").isEqualTo("requested");

        http.post().uri("/api/runs/" + holder + "/cancel").exchange().expectStatus().isAccepted();
        assertThat(RunsApi.awaitEnded(http, holder, Duration.ofSeconds(10)).get("state").asText()).isEqualTo("cancelled");
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> !indexRun(http, projectId, indexRun).get("status").asText().equals("requested"));
        assertThat(indexRun(http, projectId, indexRun).get("status").asText()).isEqualTo("completed");
    }

    private WebTestClient http() {
        return AdminToken.authorize(anonymous.mutate().responseTimeout(Duration.ofSeconds(30)).build(),
                AdminToken.read(data.root()));
    }

    private String projectWith(String path, String content) throws Exception {
        GitRepositories.Repo origin = GitRepositories.withCommits(Files.createTempDirectory("agent-runs-rag-origin"), 1);
        Path file = origin.path().resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        try (var git = org.eclipse.jgit.api.Git.open(origin.path().toFile())) {
            git.add().addFilepattern(path).call();
            git.commit().setMessage("add " + path).setAuthor("T", "t@example.com").setCommitter("T", "t@example.com")
                    .setSign(false).call();
        }
        return ProjectWorkspaces.registerAndClone(http(), origin.path());
    }

    /** The index run the clone asked for has completed. */
    private static void awaitIndexed(WebTestClient http, String projectId) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode runs = http.get().uri("/api/projects/" + projectId + "/rag/runs").exchange().expectStatus().isOk()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();
            return runs.size() > 0 && runs.get(0).get("status").asText().equals("completed");
        });
    }

    private static JsonNode indexRun(WebTestClient http, String projectId, String runId) {
        return http.get().uri("/api/projects/" + projectId + "/rag/runs/" + runId).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }
}
