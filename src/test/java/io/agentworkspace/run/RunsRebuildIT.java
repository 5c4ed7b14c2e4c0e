package io.agentworkspace.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.TestServices;

/**
 * The {@code runs} read model is also the dispatchers' queue. Rebuilt on MariaDB (shadow table, atomic rename) while
 * runs are running and more are queued, slowed down so the two overlap: every run still starts exactly once and
 * succeeds, and the rebuilt model shows each of them as it ended.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.runs.providers.script.enabled=true", "agent.projections.rebuild-max-rate=40"})
@ActiveProfiles("mysql")
class RunsRebuildIT {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        MySqlProfile.register(registry, TestServices.createDatabase(), Files.createTempDirectory("agent-runs-rebuild-it"));
        registry.add("agent.rag.index-on-clone", () -> "false");
    }

    @Autowired
    WebTestClient anonymous;
    @Autowired
    DataDirectory data;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aRebuildOfRunsDisturbsNoDispatch() throws Exception {
        WebTestClient http = AdminToken.authorize(anonymous.mutate().responseTimeout(Duration.ofSeconds(30)).build(),
                AdminToken.read(data.root()));
        String project = ProjectWorkspaces.registerAndClone(http,
                GitRepositories.withCommits(Files.createTempDirectory("agent-runs-rebuild-origin"), 1).path());
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            runs.add(RunsApi.script(http, project, "agents-default", "say before " + i + "\nsleep 200\nsay done"));
        }
        RunsApi.awaitEnded(http, runs.get(0), Duration.ofSeconds(60));
        for (int i = 0; i < 3; i++) {
            runs.add(RunsApi.script(http, project, "agents-default", "say during " + i + "\nsleep 1500\nsay done"));
        }

        http.post().uri("/api/projections/runs/rebuild").exchange().expectStatus().isAccepted();
        List<String> duringRebuild = new ArrayList<>();
        JsonNode finished = await().atMost(Duration.ofMinutes(2)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(300)).until(() -> {
            JsonNode view = http.get().uri("/api/projections/runs").exchange().expectStatus().isOk()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();
            if (view.at("/rebuild/state").asText().equals("building") && duringRebuild.size() < 4) {
                duringRebuild.add(RunsApi.script(http, project, "agents-default", "say queued while rebuilding\nsay done"));
            }
            return view;
        }, view -> !List.of("building", "switching").contains(view.at("/rebuild/state").asText()));
        assertThat(finished.at("/rebuild/state").asText()).as(finished.toString()).isEqualTo("done");
        assertThat(duringRebuild).as("runs queued while the rebuild was building").isNotEmpty();
        runs.addAll(duringRebuild);
        runs.add(RunsApi.script(http, project, "agents-default", "say after\nsay done"));

        for (String run : runs) {
            JsonNode ended = RunsApi.awaitEnded(http, run, Duration.ofSeconds(90));
            assertThat(ended.get("state").asText()).as(ended.toString()).isEqualTo("succeeded");
            assertThat(ended.get("attempt").asInt()).as(ended.toString()).isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry WHERE aggregateIdentifier = ? "
                    + "AND payloadType = ?", Long.class, run, RunStarting.class.getName())).as("starts of " + run).isEqualTo(1);
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM runs WHERE state = 'succeeded'", Long.class))
                .isEqualTo(runs.size());
    }
}
