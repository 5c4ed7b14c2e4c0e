package io.agentworkspace.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.EmbeddedApp;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.ProjectWorkspaces;

/**
 * The projects read model's head commit follows a pull and a snapshot restore (projects manifest version 2), also
 * after a rebuild from the history; and a projection built by an older manifest version is rebuilt on request of
 * the version check, ending at the manifest's version.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "agent.rag.index-on-clone=false")
class ProjectHeadIT {

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "project-head");
    }

    @Autowired
    WebTestClient http;
    @Autowired
    DataDirectory data;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    OutdatedProjections outdated;
    @Autowired
    ProjectionVersions versions;

    @Test
    void headFollowsPullAndRestoreAndSurvivesTheVersionTriggeredRebuild() throws Exception {
        http = AdminToken.authorize(http, AdminToken.read(data.root()));
        Path scratch = Files.createTempDirectory("agent-project-head-origin");
        GitRepositories.Repo origin = GitRepositories.withCommits(scratch.resolve("origin"), 2);
        String id = ProjectWorkspaces.registerAndClone(http, origin.path());
        assertThat(head(id)).isEqualTo(origin.headCommit());

        String snapshotId = http.post().uri("/api/projects/" + id + "/snapshots").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of()).exchange().expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                "created".equals(http.get().uri("/api/projects/" + id + "/snapshots/" + snapshotId).exchange()
                        .returnResult(JsonNode.class).getResponseBody().blockFirst(Duration.ofSeconds(10)).path("status").asText()));

        String newHead;
        try (Git git = Git.open(origin.path().toFile())) {
            Files.writeString(origin.path().resolve("upstream.txt"), "a change in origin\n");
            git.add().addFilepattern("upstream.txt").call();
            newHead = git.commit().setMessage("upstream").setAuthor("Test", "test@example.com")
                    .setCommitter("Test", "test@example.com").call().name();
        }
        http.post().uri("/api/projects/" + id + "/workspace/pull").exchange().expectStatus().isOk();
        awaitHead(id, newHead);

        http.post().uri("/api/projects/" + id + "/snapshots/" + snapshotId + "/restore").exchange().expectStatus().isOk();
        awaitHead(id, origin.headCommit());

        // the live tables claim to be built by version 1: the version check rebuilds them from the history
        jdbc.update("UPDATE projection_versions SET version = 1 WHERE projection = 'projects'");
        jdbc.update("UPDATE projects SET head_commit = NULL WHERE id = ?", id);
        assertThat(outdated.rebuild()).containsExactly("projects");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                "done".equals(http.get().uri("/api/projections/projects").exchange().returnResult(JsonNode.class)
                        .getResponseBody().blockFirst(Duration.ofSeconds(10)).at("/rebuild/state").asText()));
        assertThat(head(id)).as("rebuilt from clone, pull and restore").isEqualTo(origin.headCommit());
        assertThat(versions.built("projects")).hasValue(2);
        assertThat(outdated.rebuild()).isEmpty();
    }

    private void awaitHead(String id, String expected) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> expected.equals(head(id)));
    }

    private String head(String id) {
        return http.get().uri("/api/projects/" + id).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody().at("/workspace/headCommit").asText();
    }
}
