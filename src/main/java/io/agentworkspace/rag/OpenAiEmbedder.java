package io.agentworkspace.rag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import io.agentworkspace.infrastructure.RetryAfter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The OpenAI embeddings API ({@code POST /embeddings}) over Spring's WebClient on Reactor Netty: inputs go in
 * batches bounded by count and by characters, batches one after another; a 429 or 5xx is retried with exponential
 * backoff (Resilience4j), waiting at least what {@code Retry-After} / {@code retry-after-ms} ask. The API key is
 * only ever put into the Authorization header; failures name the status and the API's error code, never the body.
 */
final class OpenAiEmbedder implements Embedder {

    record EmbeddingRequest(String model, List<String> input, @Nullable Integer dimensions, String encoding_format) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record EmbeddingResponse(String object, List<Datum> data, String model) {
        @JsonIgnoreProperties(ignoreUnknown = true)
        record Datum(String object, int index, float[] embedding) {
        }
    }

    /** A refusal or failure of the API; {@code retryAfter} when it said how long to wait. */
    static final class EmbeddingApiException extends RuntimeException {
        final int status;
        @Nullable
        final Duration retryAfter;

        EmbeddingApiException(int status, String message, @Nullable Duration retryAfter) {
            super(message, null, false, false);
            this.status = status;
            this.retryAfter = retryAfter;
        }

        boolean retryable() {
            return status == 429 || status >= 500;
        }
    }

    private final RagSettings.OpenAi settings;
    private final int dimension;
    private final EmbeddingCredentials credentials;
    private final WebClient http;
    private final Retry retry;

    OpenAiEmbedder(RagSettings.OpenAi settings, int dimension, EmbeddingCredentials credentials, WebClient.Builder http) {
        this.settings = settings;
        this.dimension = dimension;
        this.credentials = credentials;
        this.http = http.baseUrl(settings.baseUrl().toString().replaceAll("/+$", ""))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024))
                .build();
        this.retry = Retry.of("openai-embeddings", RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .retryOnException(OpenAiEmbedder::retryable)
                .intervalBiFunction((attempt, outcome) -> backoff(attempt,
                        outcome.isLeft() ? outcome.getLeft() : null).toMillis())
                .build());
    }

    @Override
    public String id() {
        return "openai:" + settings.model() + "/" + dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Mono<List<float[]>> embed(List<String> texts) {
        if (texts.isEmpty()) {
            return Mono.just(List.of());
        }
        return credentials.openAiApiKey()
                .flatMap(key -> key.filter(k -> !k.isBlank()).map(Mono::just).orElseGet(() -> Mono.error(
                        new EmbeddingApiException(0, "no OpenAI API key is configured "
                                + "(agent.rag.openai.api-key-secret or agent.rag.openai.api-key)", null))))
                .flatMap(key -> embedWith(texts, key));
    }

    private Mono<List<float[]>> embedWith(List<String> texts, String key) {
        return Flux.fromIterable(batches(texts))
                .concatMap(batch -> request(batch, key))
                .collectList()
                .map(lists -> {
                    List<float[]> all = new ArrayList<>(texts.size());
                    lists.forEach(all::addAll);
                    return all;
                });
    }

    List<List<String>> batches(List<String> texts) {
        List<List<String>> batches = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long chars = 0;
        for (String text : texts) {
            if (!current.isEmpty() && (current.size() >= settings.maxInputsPerRequest()
                    || chars + text.length() > settings.maxCharsPerRequest())) {
                batches.add(current);
                current = new ArrayList<>();
                chars = 0;
            }
            current.add(text);
            chars += text.length();
        }
        batches.add(current);
        return batches;
    }

    private Mono<List<float[]>> request(List<String> batch, String key) {
        EmbeddingRequest body = new EmbeddingRequest(settings.model(), batch,
                settings.sendDimensions() ? dimension : null, "float");
        return Mono.defer(() -> http.post().uri("/embeddings")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.APPLICATION_JSON)
                        .bodyValue(body)
                        .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                                ? response.bodyToMono(EmbeddingResponse.class)
                                : failure(response))
                        .timeout(settings.timeout()))
                .transformDeferred(RetryOperator.of(retry))
                .map(response -> vectorsOf(response, batch.size()));
    }

    private List<float[]> vectorsOf(EmbeddingResponse response, int expected) {
        if (response.data() == null || response.data().size() != expected) {
            throw new EmbeddingApiException(200, "the embeddings API answered " + (response.data() == null ? 0
                    : response.data().size()) + " embeddings for " + expected + " inputs", null);
        }
        List<EmbeddingResponse.Datum> data = new ArrayList<>(response.data());
        data.sort(Comparator.comparingInt(EmbeddingResponse.Datum::index));
        List<float[]> vectors = new ArrayList<>(expected);
        for (int i = 0; i < expected; i++) {
            EmbeddingResponse.Datum datum = data.get(i);
            if (datum.index() != i || datum.embedding() == null || datum.embedding().length != dimension) {
                throw new EmbeddingApiException(200, "the embeddings API answered an embedding of "
                        + (datum.embedding() == null ? 0 : datum.embedding().length) + " dimensions at index "
                        + datum.index() + "; expected " + dimension, null);
            }
            vectors.add(datum.embedding());
        }
        return vectors;
    }

    private static Mono<EmbeddingResponse> failure(ClientResponse response) {
        int status = response.statusCode().value();
        Duration retryAfter = RetryAfter.parse(response.headers().asHttpHeaders());
        return response.bodyToMono(Map.class).onErrorResume(unreadable -> Mono.empty())
                .defaultIfEmpty(Map.of())
                .flatMap(body -> Mono.error(new EmbeddingApiException(status,
                        "the embeddings API answered " + status + errorCode(body), retryAfter)));
    }

    /** The API's machine-readable error code only: its message can quote the (masked) key. */
    private static String errorCode(Map<?, ?> body) {
        if (body.get("error") instanceof Map<?, ?> error) {
            Object code = error.get("code") != null ? error.get("code") : error.get("type");
            if (code instanceof String text && text.matches("[A-Za-z0-9_.-]{1,64}")) {
                return " (" + text + ")";
            }
        }
        return "";
    }

    private static boolean retryable(Throwable failure) {
        return failure instanceof EmbeddingApiException api ? api.retryable()
                : failure instanceof WebClientRequestException || failure instanceof java.util.concurrent.TimeoutException;
    }

    /** Exponential from the initial backoff, never shorter than what the server asked, never past the maximum. */
    Duration backoff(int attempt, @Nullable Throwable failure) {
        return RetryAfter.backoff(attempt, settings.initialBackoff(), settings.maxBackoff(),
                failure instanceof EmbeddingApiException api ? api.retryAfter : null);
    }
}
