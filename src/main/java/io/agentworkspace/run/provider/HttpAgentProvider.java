package io.agentworkspace.run.provider;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import io.agentworkspace.infrastructure.FailureReasons;
import io.agentworkspace.infrastructure.RetryAfter;
import io.agentworkspace.run.tool.ToolCall;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The agent loop of the HTTP providers: stream a turn, run the tool calls it made (off the event loop, one after
 * another), send the results back, until a turn calls no tool. Subclasses speak their provider's wire format.
 */
abstract class HttpAgentProvider implements AgentProvider {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
    };
    private final WebClient http;
    private final ProviderRetry retry;
    private final Scheduler toolScheduler;
    private final int maxRounds;

    HttpAgentProvider(WebClient http, ProviderRetry retry, Scheduler toolScheduler, int maxRounds) {
        this.http = http;
        this.retry = retry;
        this.toolScheduler = toolScheduler;
        this.maxRounds = maxRounds;
    }

    @Override
    public boolean needsKey() {
        return true;
    }

    abstract Conversation newConversation(AgentRequest request);

    /** The body of the next turn's request. */
    abstract String requestBody(AgentRequest request, Conversation conversation);

    abstract String path();

    abstract void authorize(HttpHeaders headers, ProviderKey key);

    /** Turns one server-sent event into agent events, recording the turn's text, calls and end in {@code turn}. */
    abstract Flux<AgentEvent> parse(ServerSentEvent<String> event, Turn turn, AgentRequest request);

    @Override
    public Flux<AgentEvent> run(AgentRequest request) {
        return round(request, newConversation(request), 1);
    }

    private Flux<AgentEvent> round(AgentRequest request, Conversation conversation, int number) {
        return Flux.defer(() -> {
            Turn turn = new Turn();
            Flux<AgentEvent> streamed = retry.apply(stream(request, conversation), name())
                    .concatMap(event -> parse(event, turn, request))
                    .concatWith(Mono.defer(() -> turn.completed ? Mono.empty() : Mono.error(ProviderFailure.of(
                            ProviderFailure.Kind.DISCONNECTED, "the provider's stream ended before the response completed"))));
            return streamed.concatWith(Flux.defer(() -> afterTurn(request, conversation, turn, number)));
        });
    }

    private Flux<AgentEvent> afterTurn(AgentRequest request, Conversation conversation, Turn turn, int number) {
        Flux<AgentEvent> ended = Flux.just(new AgentEvent.TurnEnded(number));
        if (turn.calls.isEmpty()) {
            return ended.concatWithValues(new AgentEvent.Finished(turn.stopReason));
        }
        if (number >= maxRounds) {
            return ended.concatWith(Flux.error(ProviderFailure.of(ProviderFailure.Kind.REFUSED,
                    "the agent made more than " + maxRounds + " rounds of tool calls")));
        }
        conversation.addAssistant(turn.text.toString(), turn.calls);
        Flux<AgentEvent> results = Flux.fromIterable(turn.calls).concatMap(call -> Mono
                .fromCallable(() -> request.tools().execute(call))
                .subscribeOn(toolScheduler)
                .map(result -> {
                    conversation.addResult(call, result);
                    return new AgentEvent.ToolReturned(call.callId(), call.name(), result.ok(), result.output());
                }));
        return ended.concatWith(results).concatWith(Flux.defer(() -> round(request, conversation, number + 1)));
    }

    /** One request; failures before the first event may be retried, failures after it never are. */
    private Flux<ServerSentEvent<String>> stream(AgentRequest request, Conversation conversation) {
        return Flux.defer(() -> {
            AtomicBoolean answered = new AtomicBoolean();
            String body = requestBody(request, conversation);
            Consumer<HttpHeaders> headers = h -> {
                if (request.key() != null) {
                    authorize(h, request.key());
                }
            };
            return http.post().uri(path()).headers(headers)
                    .contentType(MediaType.APPLICATION_JSON).accept(MediaType.TEXT_EVENT_STREAM)
                    .bodyValue(body)
                    .exchangeToFlux(response -> response.statusCode().is2xxSuccessful()
                            ? response.bodyToFlux(SSE)
                            : refusal(response, request.key()))
                    .doOnNext(event -> answered.set(true))
                    .onErrorMap(failure -> !(failure instanceof ProviderFailure), failure -> answered.get()
                            ? ProviderFailure.of(ProviderFailure.Kind.DISCONNECTED,
                                    "the provider's stream broke off: " + describe(failure))
                            : new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE,
                                    "the provider could not be reached: " + describe(failure), true, null));
        });
    }

    private Flux<ServerSentEvent<String>> refusal(ClientResponse response, @Nullable ProviderKey key) {
        HttpStatusCode status = response.statusCode();
        Duration retryAfter = RetryAfter.parse(response.headers().asHttpHeaders());
        return response.bodyToMono(String.class).defaultIfEmpty("").flatMapMany(body -> {
            String message = "HTTP " + status.value() + " from the provider" + messageOf(body, key);
            boolean rateLimited = status.value() == 429;
            boolean retryable = rateLimited || status.is5xxServerError();
            ProviderFailure.Kind kind = rateLimited ? ProviderFailure.Kind.RATE_LIMITED
                    : status.is5xxServerError() ? ProviderFailure.Kind.UNAVAILABLE : ProviderFailure.Kind.REFUSED;
            return Flux.error(new ProviderFailure(kind, message, retryable, retryAfter));
        });
    }

    /** The provider's own error message from a JSON error body ({@code error.message}), trimmed and scrubbed. */
    static String messageOf(String body, @Nullable ProviderKey key) {
        String message;
        try {
            JsonNode json = JSON.readTree(body);
            JsonNode error = json.path("error");
            message = error.isObject() ? error.path("message").asText("") : error.asText(json.path("message").asText(""));
        } catch (Exception notJson) {
            message = "";
        }
        return message.isBlank() ? "" : ": " + clean(message, key);
    }

    static String clean(String text, @Nullable ProviderKey key) {
        String scrubbed = key == null ? text : key.scrub(text);
        return FailureReasons.clean(scrubbed);
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : " (" + clean(message, null) + ")");
    }

    static JsonNode json(String data) {
        try {
            return JSON.readTree(data);
        } catch (Exception e) {
            throw ProviderFailure.of(ProviderFailure.Kind.STREAM_ERROR, "the provider sent an event that is not JSON");
        }
    }

    static ToolCall call(String callId, String name, String arguments) {
        return new ToolCall(callId, name, arguments.isBlank() ? "{}" : arguments);
    }
}
