package io.agentworkspace.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The OpenAI embedder against a local HTTP server speaking the embeddings wire format: request
 * {@code {model, input: [...], dimensions}}, response {@code {object: "list", data: [{object: "embedding", index,
 * embedding}], model, usage}}. The server refuses more inputs per request than its limit (400), answers 429 with
 * Retry-After when told to, and checks the bearer key.
 */
class OpenAiEmbedderTest {

    static final String KEY = "sk-test-0123456789abcdef";
    static final int MAX_INPUTS = 4;
    static final ObjectMapper JSON = new ObjectMapper();

    DisposableServer server;
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    final List<Long> arrivals = new CopyOnWriteArrayList<>();
    final AtomicInteger rateLimitedAnswersLeft = new AtomicInteger();
    final AtomicInteger serverErrorsLeft = new AtomicInteger();

    @BeforeEach
    void start() {
        server = HttpServer.create().host("127.0.0.1").port(0).route(routes -> routes.post("/v1/embeddings",
                (request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8).flatMap(body -> {
                    arrivals.add(System.nanoTime());
                    if (!("Bearer " + KEY).equals(request.requestHeaders().get("Authorization"))) {
                        return response.status(401).header("Content-Type", "application/json")
                                .sendString(Mono.just("{\"error\":{\"message\":\"Incorrect API key provided: sk-te****cdef\","
                                        + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}")).then();
                    }
                    if (rateLimitedAnswersLeft.getAndDecrement() > 0) {
                        return response.status(429).header("Retry-After", "1").header("Content-Type", "application/json")
                                .sendString(Mono.just("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
                                        + "\"code\":\"rate_limit_exceeded\"}}")).then();
                    }
                    if (serverErrorsLeft.getAndDecrement() > 0) {
                        return response.status(503).sendString(Mono.just("overloaded")).then();
                    }
                    JsonNode json = read(body);
                    requests.add(json);
                    if (json.get("input").size() > MAX_INPUTS) {
                        return response.status(400).header("Content-Type", "application/json")
                                .sendString(Mono.just("{\"error\":{\"message\":\"too many inputs\",\"code\":\"too_many_inputs\"}}")).then();
                    }
                    return response.header("Content-Type", "application/json").sendString(Mono.just(answer(json))).then();
                }))).bindNow();
    }

    @AfterEach
    void stop() {
        server.disposeNow();
    }

    OpenAiEmbedder embedder(String key, int maxChars) {
        RagSettings.OpenAi settings = new RagSettings.OpenAi(URI.create("http://127.0.0.1:" + server.port() + "/v1/"),
                key, "", "text-embedding-3-small", true, MAX_INPUTS, maxChars, Duration.ofSeconds(10), 4,
                Duration.ofMillis(50), Duration.ofSeconds(5));
        return new OpenAiEmbedder(settings, 8, () -> reactor.core.publisher.Mono.just(Optional.of(key)), WebClient.builder());
    }

    @Test
    void batchesByCountAndSizeAndKeepsTheOrder() {
        List<String> texts = IntStream.range(0, 11).mapToObj(i -> "text number " + i).toList();
        List<float[]> vectors = embedder(KEY, 40).embed(texts).block(Duration.ofSeconds(20));

        assertThat(vectors).hasSize(11);
        for (int i = 0; i < 11; i++) {
            assertThat(vectors.get(i)).as("vector of input %d", i).containsExactly(expected(texts.get(i)));
        }
        assertThat(requests).allSatisfy(request -> {
            assertThat(request.get("model").asText()).isEqualTo("text-embedding-3-small");
            assertThat(request.get("dimensions").asInt()).isEqualTo(8);
            assertThat(request.get("input").size()).isBetween(1, MAX_INPUTS);
            int chars = 0;
            for (JsonNode input : request.get("input")) {
                chars += input.asText().length();
            }
            assertThat(chars).as("characters in one request").isLessThanOrEqualTo(40);
        });
        assertThat(requests.size()).as("11 texts of 13-14 characters, at most 40 characters per request").isEqualTo(4);
    }

    @Test
    void waitsAsA429AsksAndRetries() {
        rateLimitedAnswersLeft.set(1);
        long started = System.nanoTime();
        List<float[]> vectors = embedder(KEY, 10_000).embed(List.of("a", "b")).block(Duration.ofSeconds(20));
        assertThat(vectors).hasSize(2);
        assertThat(arrivals).hasSize(2);
        assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0))).as("waited for Retry-After: 1")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void retriesServerErrorsWithBackoffAndGivesUpAfterTheLastAttempt() {
        serverErrorsLeft.set(2);
        assertThat(embedder(KEY, 10_000).embed(List.of("a")).block(Duration.ofSeconds(20))).hasSize(1);
        assertThat(arrivals).hasSize(3);

        arrivals.clear();
        serverErrorsLeft.set(100);
        Throwable failure = catchThrowable(() -> embedder(KEY, 10_000).embed(List.of("a")).block(Duration.ofSeconds(20)));
        assertThat(failure).hasMessageContaining("503");
        assertThat(arrivals).as("max attempts").hasSize(4);
    }

    @Test
    void aWrongKeyFailsAtOnceWithoutTheKeyOrTheBodyInTheError() {
        Throwable failure = catchThrowable(() -> embedder("sk-wrong-key-secret", 10_000).embed(List.of("a"))
                .block(Duration.ofSeconds(20)));
        assertThat(failure).isInstanceOf(OpenAiEmbedder.EmbeddingApiException.class)
                .hasMessage("the embeddings API answered 401 (invalid_api_key)");
        assertThat(failure.toString()).doesNotContain("sk-").doesNotContain("Incorrect");
        assertThat(arrivals).as("a 401 is not retried").hasSize(1);
    }

    @Test
    void noKeyConfiguredFailsClearly() {
        Throwable failure = catchThrowable(() -> embedder("", 10_000).embed(List.of("a")).block(Duration.ofSeconds(5)));
        assertThat(failure).hasMessageContaining("agent.rag.openai.api-key");
        assertThat(arrivals).isEmpty();
    }

    /** A deterministic vector per input text, as the server computes it. */
    static float[] expected(String text) {
        float[] v = new float[8];
        for (int j = 0; j < 8; j++) {
            v[j] = (text.hashCode() % 97 + j) / 100f;
        }
        return v;
    }

    static String answer(JsonNode request) {
        ObjectNode response = JSON.createObjectNode().put("object", "list").put("model", request.get("model").asText());
        ArrayNode data = response.putArray("data");
        List<JsonNode> inputs = new ArrayList<>();
        request.get("input").forEach(inputs::add);
        // answered in reverse order: the client must sort by index
        for (int i = inputs.size() - 1; i >= 0; i--) {
            ObjectNode datum = data.addObject().put("object", "embedding").put("index", i);
            ArrayNode embedding = datum.putArray("embedding");
            for (float x : expected(inputs.get(i).asText())) {
                embedding.add(x);
            }
        }
        response.putObject("usage").put("prompt_tokens", inputs.size()).put("total_tokens", inputs.size());
        return response.toString();
    }

    static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
