package io.agentworkspace.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.PlatformTransactionManager;

import io.agentworkspace.auth.ApiTokens;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.BulkEvents;
import io.agentworkspace.support.QueryingClient;
import io.agentworkspace.support.SuiteSettings;
import io.agentworkspace.support.Tokens;

/**
 * A zero-downtime rebuild of the api-tokens projection (the table every request authenticates against) over a
 * large history while clients keep querying it and new events keep arriving: no query fails or sees an empty or
 * partial model, and afterwards the model equals the old one plus the new events (checksum). Run on each database
 * by its subclasses.
 */
abstract class RebuildContract {

    @Autowired
    WebTestClient http;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataDirectory dataDirectory;
    @Autowired
    EventStorageEngine engine;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    ApiTokens apiTokens;
    @Autowired
    ApplicationContext context;

    abstract int tokens();

    abstract int revocations();

    /** {@code agent.projections.rebuild-max-rate} of the subclass's context, 0 when unlimited. */
    double maxRate() {
        return 0;
    }

    void rebuildsWhileServingAndEndsWithTheOldModelPlusTheNewEvents() throws Exception {
        String admin = AdminToken.read(dataDirectory.root());
        http = AdminToken.authorize(http, admin);
        BulkEvents bulk = new BulkEvents(engine, transactions);
        List<String> ids = bulk.issueTokens(tokens(), 1000);
        bulk.revoke(ids.subList(0, revocations()), 1000);
        String lateToken = ids.get(ids.size() - 1);
        awaitLiveCaughtUp();
        jdbc.execute("CREATE TABLE expected_tokens AS SELECT * FROM api_tokens");
        long before = count("api_tokens");
        assertThat(before).isGreaterThanOrEqualTo(tokens());

        AtomicBoolean stop = new AtomicBoolean();
        QueryingClient clients = QueryingClient.start("querying-client", Duration.ZERO, fail -> {
            http.get().uri("/api/me").exchange().expectStatus().isOk();
            long rows = count("api_tokens");
            if (rows < before) {
                fail.accept("the model had " + rows + " rows, fewer than the " + before + " before");
            }
            if (apiTokens.byId(lateToken).block(Duration.ofSeconds(10)) == null) {
                fail.accept("the last bulk token was missing");
            }
        });
        List<String> arrived = new CopyOnWriteArrayList<>();
        Thread writer = new Thread(() -> {
            while (!stop.get()) {
                arrived.addAll(bulk.issueTokens(2, 2));
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "new-events");
        writer.start();
        try {
            JsonNode started = http.post().uri("/api/projections/api-tokens/rebuild").exchange()
                    .expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody();
            assertThat(started.get("state").asText()).isEqualTo("building");
            http.post().uri("/api/projections/api-tokens/rebuild").exchange().expectStatus().isEqualTo(409)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("/problems/rebuild-in-progress");

            List<Double> fractions = new ArrayList<>();
            JsonNode finished = await().atMost(Duration.ofMinutes(4)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(300)).until(() -> {
                JsonNode view = http.get().uri("/api/projections/api-tokens").exchange().expectStatus().isOk()
                        .expectBody(JsonNode.class).returnResult().getResponseBody();
                JsonNode rebuild = view.get("rebuild");
                if (rebuild.get("state").asText().equals("building")) {
                    assertThat(view.get("status").asText()).isEqualTo("rebuilding");
                    fractions.add(rebuild.get("position").asDouble() / Math.max(1, rebuild.get("head").asDouble()));
                }
                return view;
            }, view -> !view.at("/rebuild/state").asText().equals("building")
                    && !view.at("/rebuild/state").asText().equals("switching"));
            assertThat(finished.at("/rebuild/state").asText()).as(finished.toString()).isEqualTo("done");
            assertThat(finished.at("/rebuild/processed").asLong()).isGreaterThanOrEqualTo(tokens() + revocations());
            assertThat(finished.at("/rebuild/ratePerSecond").asDouble()).isPositive();
            if (maxRate() > 0) {
                // the last batch before the switch is not held back: a few percent over at most
                assertThat(finished.at("/rebuild/ratePerSecond").asDouble()).isLessThan(maxRate() * 1.1);
            }
            assertThat(finished.get("status").asText()).isEqualTo("live");
            assertThat(fractions).as("progress reported while building").isNotEmpty();
            // new events keep flowing into the switched-in model
            int arrivedAtSwitch = arrived.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> arrived.size() > arrivedAtSwitch + 10);
        } finally {
            stop.set(true);
            clients.close();
            writer.join(30_000);
        }
        assertThat(clients.failures()).as("failed or partial queries during the rebuild (of " + clients.queries() + ")")
                .isEmpty();
        assertThat(clients.queries()).isPositive();

        awaitLiveCaughtUp();
        Set<String> added = Set.copyOf(arrived);
        assertThat(count("api_tokens")).isEqualTo(before + added.size());
        assertThat(checksum("api_tokens", added)).as("the new model less the new events equals the old model")
                .isEqualTo(checksum("expected_tokens", Set.of()));
        String in = added.stream().map(id -> "'" + id + "'").collect(Collectors.joining(","));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM api_tokens WHERE token_id IN (" + in + ")", Long.class))
                .isEqualTo(added.size());
        assertThat(jdbc.queryForList("SELECT COUNT(*) FROM projection_rebuilds WHERE state = 'done'", Long.class))
                .containsExactly(1L);
        // the scrape of the whole service is larger than WebTestClient's default 256 KB buffer
        SuiteSettings.management(context).mutate()
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build()
                .get().uri("/actuator/prometheus").exchange().expectStatus().isOk().expectBody(String.class)
                .value(metrics -> assertThat(metrics).containsPattern(
                        "agent_projection_rebuild_processed_total\\{[^}]*projection=\"api-tokens\""));
        jdbc.execute("DROP TABLE expected_tokens");
    }

    void refusesUnknownAndMalformedProjectionNames() {
        http = AdminToken.authorize(http, AdminToken.read(dataDirectory.root()));
        http.post().uri("/api/projections/no-such-thing/rebuild").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/projection-not-found");
        http.get().uri("/api/projections/no-such-thing").exchange().expectStatus().isNotFound();
        http.post().uri("/api/projections/Bad_Name/rebuild").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-projection-name");
        JsonNode list = http.get().uri("/api/projections").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(list.findValuesAsText("name")).containsExactlyInAnyOrder("api-tokens", "pairings", "projects",
                "rag-index-runs", "runs", "secrets", "snapshots");
        assertThat(list.findValuesAsText("status")).doesNotContain("stopped");
        for (JsonNode projection : list) {
            assertThat(projection.get("builtVersion").asInt()).as(projection.toString())
                    .isEqualTo(projection.get("version").asInt());
        }
        assertThat(list.findValuesAsText("rebuildable")).as("every read model can be rebuilt").containsOnly("true");
    }

    private void awaitLiveCaughtUp() {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() ->
                Tokens.position(jdbc, "api-tokens") >= jdbc.queryForObject("SELECT MAX(globalIndex) FROM DomainEventEntry", Long.class));
    }

    private long count(String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
    }

    private String checksum(String table, Set<String> excluded) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        jdbc.query("SELECT token_id, name, abilities, preset, secret_sha256, expires_at, issued_at, issued_by, revoked_at, "
                + "revoke_reason FROM " + table + " ORDER BY token_id", row -> {
            if (excluded.contains(row.getString(1))) {
                return;
            }
            for (int i = 1; i <= 10; i++) {
                sha.update(String.valueOf(row.getObject(i)).getBytes());
                sha.update((byte) 0);
            }
        });
        return HexFormat.of().formatHex(sha.digest());
    }
}
