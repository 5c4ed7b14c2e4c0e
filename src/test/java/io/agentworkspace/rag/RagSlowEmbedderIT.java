package io.agentworkspace.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import io.agentworkspace.support.LeakCanaries;
import io.agentworkspace.support.Polling;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The whole path with the OpenAI embedder against a local server speaking its wire format: indexing through it,
 * and a search whose query is embedded by it without blocking an event loop. The API key comes from the secret store. The server takes 12 s per batch, longer
 * than the Axon handler and unit-of-work limits set here for every other processor (8 s and 10 s): the index job
 * must still complete once, not be interrupted and retried.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "agent.rag.embedder=openai", "agent.rag.dimension=16", "agent.rag.openai.api-key-secret=openai.embeddings",
        "agent.rag.openai.model=text-embedding-3-small",
        "axon.timeout.handler.events.timeout-ms=8000", "axon.timeout.handler.events.warning-threshold-ms=6000",
        "axon.timeout.transaction.event-processors.timeout-ms=10000",
        "axon.timeout.transaction.event-processors.warning-threshold-ms=8000"})
class RagSlowEmbedderIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger batches = new AtomicInteger();
    /** The embeddings key lives in the secret store; the leak scanner fails CI if it shows up anywhere. */
    static final String KEY = LeakCanaries.register("embeddings-key-test-only-" + UUID.randomUUID());
    static DisposableServer embeddings;

    @TempDir
    static Path scratch;

    @Autowired
    WebTestClient http;
    @Autowired
    DataDirectory dataDirectory;
    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        embeddings = HttpServer.create().host("127.0.0.1").port(0).route(routes -> routes.post("/v1/embeddings",
                (request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8).flatMap(body -> {
                    JsonNode json = read(body);
                    if (!("Bearer " + KEY).equals(request.requestHeaders().get("Authorization"))) {
                        return response.status(401).send().then();
                    }
                    int inputs = json.get("input").size();
                    Duration delay = inputs > 1 ? Duration.ofSeconds(12) : Duration.ZERO;
                    if (inputs > 1) {
                        batches.incrementAndGet();
                    }
                    return Mono.delay(delay).then(response.header("Content-Type", "application/json")
                            .sendString(Mono.just(answer(json))).then());
                }))).bindNow();
        registry.add("agent.rag.openai.base-url", () -> "http://127.0.0.1:" + embeddings.port() + "/v1");
        EmbeddedApp.dataDir(registry, "rag-slow-it");
    }

    @AfterAll
    static void stop() {
        embeddings.disposeNow();
    }

    @Test
    void aSlowIndexJobCompletesOnceAndSearchEmbedsTheQueryThroughTheApi() {
        ListAppender<ILoggingEvent> janitor = new ListAppender<>();
        janitor.start();
        ((Logger) LoggerFactory.getLogger("axon-janitor")).addAppender(janitor);
        WebTestClient admin = AdminToken.authorize(http, AdminToken.read(dataDirectory.root()));
        admin.put().uri("/api/secrets/openai.embeddings").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("value", KEY)).exchange().expectStatus().isCreated();
        GitRepositories.Repo repo = GitRepositories.withCommits(scratch.resolve("repo-" + UUID.randomUUID()), 1);
        String id = admin.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "slow-" + UUID.randomUUID(), "localPath", repo.path().toString()))
                .exchange().expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("id").asText();
        // 404 until the project is projected; then its clone's index run, requested until it ends
        JsonNode run = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> Polling.jsonWhenOk(admin.get().uri("/api/projects/" + id + "/rag/runs")),
                        runs -> runs != null && !runs.isEmpty() && !"requested".equals(runs.get(0).get("status").asText()))
                .get(0);
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.at("/counts/embedder").asText()).isEqualTo("openai:text-embedding-3-small/16");
        assertThat(run.get("durationMs").asLong()).isGreaterThanOrEqualTo(12_000);
        assertThat(batches.get()).as("one batch, not retried after an interrupt").isEqualTo(1);
        assertThat(janitor.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(message -> message.contains("rag-indexer") || message.contains("RagIndexDispatcher")))
                .as("Axon's timeout janitor never warned about or interrupted the index job").isEmpty();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry WHERE aggregateIdentifier = ?",
                Integer.class, run.get("runId").asText())).as("requested, completed").isEqualTo(2);

        JsonNode found = admin.post().uri("/api/projects/" + id + "/search").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("query", "class Main", "k", 3)).exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(found.get("embedder").asText()).isEqualTo("openai:text-embedding-3-small/16");
        assertThat(found.get("hits")).as("file-1.txt and src/nested/Main.java").hasSize(2);
    }

    static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String answer(JsonNode request) {
        var response = JSON.createObjectNode().put("object", "list").put("model", request.get("model").asText());
        var data = response.putArray("data");
        for (int i = 0; i < request.get("input").size(); i++) {
            var embedding = data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
            int seed = request.get("input").get(i).asText().hashCode();
            for (int j = 0; j < request.get("dimensions").asInt(); j++) {
                embedding.add(((seed >>> j) & 7) - 3.5);
            }
        }
        response.putObject("usage").put("prompt_tokens", 1).put("total_tokens", 1);
        return response.toString();
    }
}
