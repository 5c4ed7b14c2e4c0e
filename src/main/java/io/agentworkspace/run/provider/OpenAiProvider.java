package io.agentworkspace.run.provider;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.http.HttpHeaders;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import io.agentworkspace.run.tool.ToolCall;
import io.agentworkspace.run.tool.ToolResult;
import io.agentworkspace.run.tool.ToolSpec;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * OpenAI's Responses API, streamed ({@code POST /v1/responses}, {@code stream: true}). Text arrives as
 * {@code response.output_text.delta}; a function call opens with {@code response.output_item.added}, its
 * arguments stream as {@code response.function_call_arguments.delta} and close with {@code .done}; the response
 * ends with {@code response.completed}, {@code response.incomplete} or {@code response.failed} (there is no
 * {@code [DONE]}). Every event carries a {@code sequence_number}; one not above the last seen is a repeat and
 * ignored. Nothing is stored at OpenAI ({@code store: false}): each turn sends the whole conversation, function
 * calls and their {@code function_call_output} items included.
 */
public final class OpenAiProvider extends HttpAgentProvider {

    public OpenAiProvider(WebClient http, ProviderRetry retry, Scheduler toolScheduler, int maxRounds) {
        super(http, retry, toolScheduler, maxRounds);
    }

    @Override
    public String name() {
        return "openai";
    }

    @Override
    String path() {
        return "/v1/responses";
    }

    @Override
    void authorize(HttpHeaders headers, ProviderKey key) {
        headers.setBearerAuth(key.value());
    }

    private static final class Input implements Conversation {
        final ArrayNode items = JSON.createArrayNode();

        Input(String prompt) {
            items.addObject().put("role", "user").put("content", prompt);
        }

        @Override
        public void addAssistant(String text, List<ToolCall> calls) {
            if (!text.isEmpty()) {
                items.addObject().put("role", "assistant").put("content", text);
            }
            for (ToolCall call : calls) {
                items.addObject().put("type", "function_call").put("call_id", call.callId()).put("name", call.name())
                        .put("arguments", call.arguments());
            }
        }

        @Override
        public void addResult(ToolCall call, ToolResult result) {
            items.addObject().put("type", "function_call_output").put("call_id", call.callId())
                    .put("output", result.ok() ? result.output() : "ERROR: " + result.output());
        }
    }

    @Override
    Conversation newConversation(AgentRequest request) {
        return new Input(request.prompt());
    }

    @Override
    String requestBody(AgentRequest request, Conversation conversation) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", request.model());
        body.set("input", ((Input) conversation).items);
        body.put("stream", true);
        body.put("store", false);
        body.put("max_output_tokens", request.maxOutputTokens());
        ArrayNode tools = body.putArray("tools");
        for (ToolSpec spec : request.tools().specs()) {
            tools.addObject().put("type", "function").put("name", spec.name()).put("description", spec.description())
                    .put("strict", false).set("parameters", JSON.valueToTree(spec.parameters()));
        }
        return body.toString();
    }

    @Override
    Flux<AgentEvent> parse(ServerSentEvent<String> sse, Turn turn, AgentRequest request) {
        if (sse.data() == null || sse.data().isBlank()) {
            return Flux.empty();
        }
        JsonNode event = json(sse.data());
        String type = event.path("type").asText(sse.event() == null ? "" : sse.event());
        if (event.has("sequence_number")) {
            long sequence = event.get("sequence_number").asLong();
            if (sequence <= turn.lastSequence) {
                return Flux.empty();
            }
            turn.lastSequence = sequence;
        }
        switch (type) {
            case "response.output_text.delta" -> {
                String delta = event.path("delta").asText("");
                turn.text.append(delta);
                return delta.isEmpty() ? Flux.empty() : Flux.just(new AgentEvent.TextDelta(delta));
            }
            case "response.output_item.added" -> {
                JsonNode item = event.path("item");
                if ("function_call".equals(item.path("type").asText())) {
                    turn.callsInProgress.put(item.path("id").asText(), new String[] {item.path("call_id").asText(),
                            item.path("name").asText(), item.path("arguments").asText("")});
                }
                return Flux.empty();
            }
            case "response.function_call_arguments.delta" -> {
                String[] call = turn.callsInProgress.get(event.path("item_id").asText());
                if (call != null) {
                    call[2] = call[2] + event.path("delta").asText("");
                }
                return Flux.empty();
            }
            case "response.function_call_arguments.done" -> {
                String[] call = turn.callsInProgress.get(event.path("item_id").asText());
                if (call != null && event.has("arguments")) {
                    call[2] = event.get("arguments").asText();
                }
                return Flux.empty();
            }
            case "response.output_item.done" -> {
                JsonNode item = event.path("item");
                String[] call = turn.callsInProgress.remove(item.path("id").asText());
                if (call == null || !"function_call".equals(item.path("type").asText())) {
                    return Flux.empty();
                }
                String arguments = item.hasNonNull("arguments") ? item.get("arguments").asText() : call[2];
                ToolCall done = call(item.path("call_id").asText(call[0]), item.path("name").asText(call[1]), arguments);
                turn.calls.add(done);
                return Flux.just(new AgentEvent.ToolCalled(done.callId(), done.name(), done.arguments()));
            }
            case "response.completed" -> {
                turn.completed = true;
                turn.stopReason = turn.calls.isEmpty() ? "completed" : "tool_calls";
                return Flux.just(usage(event.path("response")));
            }
            case "response.incomplete" -> {
                JsonNode response = event.path("response");
                String reason = response.path("incomplete_details").path("reason").asText("unknown");
                ProviderFailure.Kind kind = reason.equals("max_output_tokens") ? ProviderFailure.Kind.MAX_TOKENS
                        : ProviderFailure.Kind.STREAM_ERROR;
                return Flux.<AgentEvent>just(usage(response)).concatWith(Flux.error(ProviderFailure.of(kind,
                        "the response is incomplete: " + clean(reason, request.key()))));
            }
            case "response.failed" -> {
                JsonNode error = event.path("response").path("error");
                return Flux.<AgentEvent>just(usage(event.path("response"))).concatWith(Flux.error(ProviderFailure.of(
                        ProviderFailure.Kind.STREAM_ERROR, "the response failed: " + describe(error, request))));
            }
            case "error" -> {
                JsonNode error = event.has("error") ? event.get("error") : event;
                return Flux.error(ProviderFailure.of(ProviderFailure.Kind.STREAM_ERROR,
                        "the provider reported an error: " + describe(error, request)));
            }
            default -> {
                return Flux.empty();
            }
        }
    }

    private static String describe(JsonNode error, AgentRequest request) {
        String code = error.path("code").asText("");
        String message = error.path("message").asText("");
        return clean((code.isEmpty() ? "" : code + ": ") + message, request.key());
    }

    private static AgentEvent.Usage usage(JsonNode response) {
        JsonNode usage = response.path("usage");
        return new AgentEvent.Usage(usage.path("input_tokens").asLong(0), usage.path("output_tokens").asLong(0), null);
    }
}
