package io.agentworkspace.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.TestServices;
import io.agentworkspace.support.Tokens;

/**
 * A projection handler that fails in the middle of a batch: the rows written before the failure and the token
 * move back together, and once the fault clears the batch is applied exactly once. The fault is real: a MariaDB
 * trigger that rejects one row.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("mysql")
class ExactlyOnceIT {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        database = TestServices.createDatabase();
        MySqlProfile.register(registry, database, Files.createTempDirectory("agent-exactly-once"));
    }

    static String database;

    @Autowired
    WebTestClient http;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventProcessingConfiguration processing;

    @TempDir
    Path scratch;

    @Test
    void aFailureMidBatchAdvancesNeitherTheReadModelNorTheTokenAndTheRetryAppliesEachEventOnce() {
        http = http.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        GitRepositories.Repo repo = GitRepositories.withCommits(scratch.resolve("repo"), 1);
        RestartIT.awaitReady(http, RestartIT.register(http, "warm-up", repo));

        StreamingEventProcessor projection = processing
                .eventProcessor(ProjectProjection.PROCESSOR, StreamingEventProcessor.class).orElseThrow();
        projection.shutDown();
        long tokenBefore = Tokens.position(jdbc, ProjectProjection.PROCESSOR);
        long rowsBefore = rows();

        String poison = "poison-" + UUID.randomUUID();
        jdbc.execute("CREATE TRIGGER reject_poison BEFORE INSERT ON projects FOR EACH ROW BEGIN "
                + "IF NEW.name = '" + poison + "' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected fault'; "
                + "END IF; END");
        List<String> ids = List.of(
                RestartIT.register(http, "first", repo),
                registerNamed(poison, repo),
                RestartIT.register(http, "last", repo));
        // all three registrations (and their clones) are now in the history, ahead of the stopped projection
        await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM DomainEventEntry WHERE payloadType = ?", Integer.class,
                WorkspaceCloned.class.getName()) == 4);

        projection.start();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                rows() == rowsBefore && Tokens.position(jdbc, ProjectProjection.PROCESSOR) == tokenBefore);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM projects WHERE id IN (?, ?, ?)", Integer.class,
                ids.toArray())).as("rows of the failed batch").isZero();

        jdbc.execute("DROP TRIGGER reject_poison");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM projects WHERE id IN (?, ?, ?) AND status = 'ready'", Integer.class,
                ids.toArray()) == 3);
        assertThat(rows()).isEqualTo(rowsBefore + 3);
        assertThat(jdbc.queryForObject("SELECT MAX(version) FROM projects WHERE id IN (?, ?, ?)", Long.class,
                ids.toArray())).as("each project saw registration and clone once").isEqualTo(1L);
        assertThat(Tokens.position(jdbc, ProjectProjection.PROCESSOR)).isGreaterThan(tokenBefore);
    }

    private String registerNamed(String name, GitRepositories.Repo repo) {
        return http.post().uri("/api/projects").contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", name, "localPath", repo.path().toString()))
                .exchange().expectStatus().isAccepted()
                .expectBody(com.fasterxml.jackson.databind.JsonNode.class).returnResult().getResponseBody()
                .get("id").asText();
    }

    private long rows() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM projects", Long.class);
    }
}
