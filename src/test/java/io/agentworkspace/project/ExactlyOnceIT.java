package io.agentworkspace.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.TestServices;
import io.agentworkspace.support.Tokens;

/**
 * A projection handler that fails in the middle of a batch: the rows written before the failure and the token
 * move back together, and once the fault clears the batch is applied exactly once. The fault is real: a MariaDB
 * trigger that rejects one row, and records every insert attempt in a non-transactional (MyISAM) table, which
 * shows the earlier rows of the batch were written and then rolled back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("mysql")
@Import(ExactlyOnceIT.WholeBatches.class)
class ExactlyOnceIT {

    /**
     * Starts each batch of the projects processor 300 ms after its first event arrives, so a batch holds every
     * event already in the store rather than whatever the worker thread happened to see first.
     */
    @TestConfiguration
    static class WholeBatches {
        @Bean
        ConfigurerModule projectsInWholeBatches() {
            return configurer -> configurer.eventProcessing(processing -> processing
                    .registerPooledStreamingEventProcessorConfiguration(ProjectProjection.PROCESSOR,
                            (config, builder) -> builder.workerExecutor(name -> new DelayedStart(4))));
        }
    }

    static final class DelayedStart extends ScheduledThreadPoolExecutor {
        DelayedStart(int threads) {
            super(threads);
        }

        @Override
        public Future<?> submit(Runnable task) {
            return schedule(task, 300, TimeUnit.MILLISECONDS);
        }
    }

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
    @Autowired
    DataDirectory dataDirectory;

    @TempDir
    Path scratch;

    @Test
    void aFailureMidBatchAdvancesNeitherTheReadModelNorTheTokenAndTheRetryAppliesEachEventOnce() {
        http = AdminToken.authorize(http, AdminToken.read(dataDirectory.root()));
        GitRepositories.Repo repo = GitRepositories.withCommits(scratch.resolve("repo"), 1);
        RestartIT.awaitReady(http, RestartIT.register(http, "warm-up", repo));

        StreamingEventProcessor projection = processing
                .eventProcessor(ProjectProjection.PROCESSOR, StreamingEventProcessor.class).orElseThrow();
        projection.shutDown();
        long tokenBefore = Tokens.position(jdbc, ProjectProjection.PROCESSOR);
        long rowsBefore = rows();

        String poison = "poison-" + UUID.randomUUID();
        String first = "first-" + UUID.randomUUID();
        jdbc.execute("CREATE TABLE insert_attempts (name VARCHAR(200) NOT NULL) ENGINE = MyISAM");
        jdbc.execute("CREATE TRIGGER reject_poison BEFORE INSERT ON projects FOR EACH ROW BEGIN "
                + "INSERT INTO insert_attempts (name) VALUES (NEW.name); "
                + "IF NEW.name = '" + poison + "' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected fault'; "
                + "END IF; END");
        List<String> ids = List.of(
                registerNamed(first, repo),
                registerNamed(poison, repo),
                RestartIT.register(http, "last", repo));
        // all three registrations (and their clones) are now in the history, ahead of the stopped projection
        await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM DomainEventEntry WHERE payloadType = ?", Integer.class,
                WorkspaceCloned.class.getName()) == 4);

        projection.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts(poison) > 0);
        assertThat(attempts(first)).as("the row before the poison was written in the failing batch").isPositive();
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

    private int attempts(String name) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM insert_attempts WHERE name = ?", Integer.class, name);
    }

    private long rows() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM projects", Long.class);
    }
}
