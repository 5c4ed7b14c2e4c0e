package io.agentworkspace.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.PlatformTransactionManager;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.BulkEvents;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.Polling;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.ProjectionsApi;
import io.agentworkspace.support.QueryingClient;

/**
 * Every read model rebuilt while it serves and its own events keep arriving, on each database by the subclasses.
 * The model is first built by live traffic through the API (projects cloned and indexed, runs, snapshots, secrets,
 * pairings). Then, per projection: a client keeps reading it (every answer complete: nothing listed before the rebuild
 * is missing, no fewer rows), the rebuild starts, more traffic of its own kind arrives, and once that has settled the
 * live model's checksum is taken while the rebuild is still building; after the switch the rebuilt model must have
 * the same checksum, and traffic that arrives after the switch lands in it. The rebuild is paced so that its build
 * outlasts that traffic on any machine: the history is padded to {@link #PADDING} events and the context sets
 * {@code agent.projections.rebuild-max-rate} to {@link #MAX_RATE}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EveryProjectionRebuildContract {

    static final int MAX_RATE = 150;
    static final int PADDING = 1_200;

    @Autowired
    WebTestClient anonymous;
    @Autowired
    DataDirectory data;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ReadModelChecksums checksums;
    @Autowired
    ProjectionCatalog catalog;
    @Autowired
    EventStorageEngine engine;
    @Autowired
    PlatformTransactionManager transactions;

    private WebTestClient http;
    private Path origin;
    private String project;
    private final AtomicInteger written = new AtomicInteger();

    /** One unit of live traffic for a projection, and how its list is read. */
    private record Traffic(String listUri, Function<JsonNode, List<String>> ids, Runnable write) {
    }

    @BeforeAll
    void liveTrafficBuildsEveryModel() throws Exception {
        http = AdminToken.authorize(anonymous.mutate().responseTimeout(Duration.ofSeconds(30)).build(),
                AdminToken.read(data.root()));
        origin = GitRepositories.withCommits(Files.createTempDirectory("agent-every-rebuild-origin"), 2).path();
        project = ProjectWorkspaces.registerAndClone(http, origin);
        awaitIndexed(project);
        for (String name : List.of("projects", "runs", "snapshots", "rag-index-runs", "secrets", "pairings")) {
            Traffic traffic = traffic(name);
            for (int i = 0; i < 3; i++) {
                traffic.write().run();
            }
        }
        new BulkEvents(engine, transactions).issueTokens(PADDING, 200);
        ProjectionsApi.awaitCaughtUp(http);
    }

    @ParameterizedTest
    @ValueSource(strings = {"projects", "runs", "snapshots", "rag-index-runs", "secrets", "pairings"})
    void rebuildsWhileServingIntoTheModelTheLiveTrafficBuilt(String name) throws Exception {
        ProjectionCatalog.Projection projection = catalog.named(name).orElseThrow();
        Traffic traffic = traffic(name);
        List<String> listedBefore = traffic.ids().apply(list(traffic.listUri()));
        long rowsBefore = rows(projection);
        assertThat(listedBefore).isNotEmpty();
        Map<String, Map<String, List<String>>> indexesBefore = indexes(projection);

        // a client's pace, well inside the token's rate limit
        QueryingClient reader = QueryingClient.start("reading-" + name, Duration.ofMillis(20), fail -> {
            List<String> listed = traffic.ids().apply(list(traffic.listUri()));
            if (!listed.containsAll(listedBefore)) {
                fail.accept("the list lacked some of " + listedBefore + ": " + listed);
            }
            long rows = rows(projection);
            if (rows < rowsBefore) {
                fail.accept("the model had " + rows + " rows, fewer than the " + rowsBefore + " before");
            }
        });
        try {
            http.post().uri("/api/projections/" + name + "/rebuild").exchange().expectStatus().isAccepted();
            for (int i = 0; i < 3; i++) {
                traffic.write().run();
            }
            ProjectionsApi.awaitCaughtUp(http);
            ReadModelChecksums.ReadModel live = checksums.readModel(projection);
            assertThat(rebuildState(name)).as("the rebuild was still building when the live model settled: "
                    + "it must outlast the traffic (history %s events at %s/s)", PADDING, MAX_RATE).isEqualTo("building");

            JsonNode finished = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                    .until(() -> list("/api/projections/" + name),
                            view -> !List.of("building", "switching").contains(view.at("/rebuild/state").asText()));
            assertThat(finished.at("/rebuild/state").asText()).as(finished.toString()).isEqualTo("done");
            assertThat(indexes(projection)).as("the rebuilt tables' indexes").isEqualTo(indexesBefore);
            ProjectionsApi.awaitCaughtUp(http);
            ReadModelChecksums.ReadModel rebuilt = checksums.readModel(projection);
            assertThat(rebuilt.rows()).as("rows of the rebuilt model").isEqualTo(live.rows());
            assertThat(rebuilt.checksum()).as("the rebuilt model equals the one live traffic built")
                    .isEqualTo(live.checksum());

            traffic.write().run();
            ProjectionsApi.awaitCaughtUp(http);
            assertThat(rows(projection)).as("traffic after the switch lands in the rebuilt model")
                    .isGreaterThanOrEqualTo(rebuilt.rows());
            assertThat(checksums.readModel(projection).checksum()).isNotEqualTo(rebuilt.checksum());
        } finally {
            reader.close();
        }
        assertThat(reader.failures()).as("failed or partial reads during the rebuild (of %s)", reader.queries()).isEmpty();
        assertThat(reader.queries()).isPositive();
    }

    private Traffic traffic(String name) {
        return switch (name) {
            case "projects" -> new Traffic("/api/projects?limit=500", items("id"),
                    this::project);
            case "runs" -> new Traffic("/api/runs?project=" + project + "&limit=500", items("id"), this::run);
            case "snapshots" -> new Traffic("/api/projects/" + project + "/snapshots?limit=500", items("id"),
                    this::snapshot);
            case "rag-index-runs" -> new Traffic("/api/projects/" + project + "/rag/runs?limit=200", ids("runId"),
                    this::reindex);
            case "secrets" -> new Traffic("/api/secrets", ids("name"), this::secret);
            case "pairings" -> new Traffic("/api/pairings", ids("pairingId"), this::pairing);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private void run() {
        String id = post("/api/runs", Map.of("projectId", project, "queue", "agents-default", "provider", "script",
                "model", "script", "prompt", "say run " + written.incrementAndGet() + "\nsay done"), 202).get("id").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode run = Polling.jsonWhenOk(http.get().uri("/api/runs/" + id));
            return run != null && run.get("finishedAt") != null && !run.get("finishedAt").isNull();
        });
    }

    private void snapshot() {
        String id = post("/api/projects/" + project + "/snapshots", Map.of("label", "snapshot " + written.incrementAndGet()),
                202).get("id").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode snapshot = Polling.jsonWhenOk(http.get().uri("/api/projects/" + project + "/snapshots/" + id));
            return snapshot != null && "created".equals(snapshot.path("status").asText());
        });
    }

    private void reindex() {
        post("/api/projects/" + project + "/rag/reindex", Map.of(), 202);
        awaitIndexed(project);
    }

    /** Until the project's index runs (the one its clone set off, or a reindex) have all finished. */
    private void awaitIndexed(String projectId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode runs = Polling.jsonWhenOk(http.get().uri("/api/projects/" + projectId + "/rag/runs"));
            return runs != null && !runs.isEmpty() && runs.findValuesAsText("status").stream().noneMatch("requested"::equals);
        });
    }

    private void project() {
        awaitIndexed(ProjectWorkspaces.registerAndClone(http, origin));
    }

    /** A new secret, set again (a second version); every other one erased. */
    private void secret() {
        int n = written.incrementAndGet();
        String uri = "/api/secrets/rebuild.secret-" + n;
        http.put().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("value", "first value " + UUID.randomUUID()))
                .exchange().expectStatus().isCreated();
        http.put().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("value", "second value " + UUID.randomUUID()))
                .exchange().expectStatus().isOk();
        if (n % 2 == 0) {
            http.delete().uri(uri).exchange().expectStatus().isNoContent();
        }
    }

    /** A pairing code; every other one revoked. */
    private void pairing() {
        int n = written.incrementAndGet();
        String id = post("/api/pairings", Map.of("label", "phone " + n), 201).get("pairingId").asText();
        if (n % 2 == 0) {
            http.delete().uri("/api/pairings/" + id).exchange().expectStatus().isNoContent();
        }
    }

    private JsonNode post(String uri, Map<String, ?> body, int status) {
        return http.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isEqualTo(status).expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private JsonNode list(String uri) {
        return http.get().uri(uri).exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult()
                .getResponseBody();
    }

    private String rebuildState(String name) {
        return list("/api/projections/" + name).at("/rebuild/state").asText();
    }

    /**
     * A table's indexes, name to columns in order, where the rebuild puts tables of its own in place; none where it
     * copies the rows into the live tables, which keep theirs.
     */
    Map<String, List<String>> indexes(String table) {
        return Map.of();
    }

    private Map<String, Map<String, List<String>>> indexes(ProjectionCatalog.Projection projection) {
        Map<String, Map<String, List<String>>> indexes = new TreeMap<>();
        projection.tables().forEach(table -> indexes.put(table, indexes(table)));
        return indexes;
    }

    private long rows(ProjectionCatalog.Projection projection) {
        long rows = 0;
        for (String table : projection.tables()) {
            rows += jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
        }
        return rows;
    }

    private static Function<JsonNode, List<String>> ids(String field) {
        return array -> {
            List<String> ids = new ArrayList<>();
            array.forEach(item -> ids.add(item.get(field).asText()));
            return ids;
        };
    }

    private static Function<JsonNode, List<String>> items(String field) {
        Function<JsonNode, List<String>> inArray = ids(field);
        return page -> inArray.apply(page.get("items"));
    }
}
