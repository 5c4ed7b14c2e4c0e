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
 * Anthropic's Messages API, streamed ({@code POST /v1/messages}, {@code stream: true}): {@code message_start}
 * (input tokens), {@code content_block_start/delta/stop} per text or {@code tool_use} block, the tool's input
 * streamed as {@code input_json_delta.partial_json} pieces concatenated until its block stops,
 * {@code message_delta} (stop reason, output tokens so far), {@code message_stop}; {@code ping} keeps the
 * connection, {@code error} ends it. Tool results go back as {@code tool_result} blocks of a user message.
 */
public final class AnthropicProvider extends HttpAgentProvider {

    private static final long MAX_TOKENS_PER_TURN = 8192;
    private final String version;

    public AnthropicProvider(WebClient http, ProviderRetry retry, Scheduler toolScheduler, int maxRounds, String version) {
        super(http, retry, toolScheduler, maxRounds);
        this.version = version;
    }

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    String path() {
        return "/v1/messages";
    }

    @Override
    void authorize(HttpHeaders headers, ProviderKey key) {
        headers.set("x-api-key", key.value());
        headers.set("anthropic-version", version);
    }

    private static final class Messages implements Conversation {
        final ArrayNode messages = JSON.createArrayNode();
        ArrayNode pendingResults;

        Messages(String prompt) {
            messages.addObject().put("role", "user").put("content", prompt);
        }

        @Override
        public void addAssistant(String text, List<ToolCall> calls) {
            ArrayNode content = messages.addObject().put("role", "assistant").putArray("content");
            if (!text.isEmpty()) {
                content.addObject().put("type", "text").put("text", text);
            }
            for (ToolCall call : calls) {
                JsonNode input;
                try {
                    input = JSON.readTree(call.arguments());
                } catch (Exception e) {
                    input = JSON.createObjectNode();
                }
                content.addObject().put("type", "tool_use").put("id", call.callId()).put("name", call.name())
                        .set("input", input.isObject() ? input : JSON.createObjectNode());
            }
            pendingResults = messages.addObject().put("role", "user").putArray("content");
        }

        @Override
        public void addResult(ToolCall call, ToolResult result) {
            pendingResults.addObject().put("type", "tool_result").put("tool_use_id", call.callId())
                    .put("content", result.output()).put("is_error", !result.ok());
        }
    }

    @Override
    Conversation newConversation(AgentRequest request) {
        return new Messages(request.prompt());
    }

    @Override
    String requestBody(AgentRequest request, Conversation conversation) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", request.model());
        body.put("max_tokens", Math.max(1, Math.min(MAX_TOKENS_PER_TURN, request.maxOutputTokens())));
        body.put("stream", true);
        body.set("messages", ((Messages) conversation).messages);
        ArrayNode tools = body.putArray("tools");
        for (ToolSpec spec : request.tools().specs()) {
            tools.addObject().put("name", spec.name()).put("description", spec.description())
                    .set("input_schema", JSON.valueToTree(spec.parameters()));
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
        switch (type) {
            case "message_start" -> {
                JsonNode usage = event.path("message").path("usage");
                turn.outputTokensSeen = usage.path("output_tokens").asLong(0);
                return Flux.just(new AgentEvent.Usage(usage.path("input_tokens").asLong(0)
                        + usage.path("cache_creation_input_tokens").asLong(0)
                        + usage.path("cache_read_input_tokens").asLong(0), turn.outputTokensSeen, null));
            }
            case "content_block_start" -> {
                JsonNode block = event.path("content_block");
                if ("tool_use".equals(block.path("type").asText())) {
                    turn.callsInProgress.put(event.path("index").asText(), new String[] {block.path("id").asText(),
                            block.path("name").asText(), ""});
                } else if ("text".equals(block.path("type").asText()) && !block.path("text").asText("").isEmpty()) {
                    turn.text.append(block.get("text").asText());
                    return Flux.just(new AgentEvent.TextDelta(block.get("text").asText()));
                }
                return Flux.empty();
            }
            case "content_block_delta" -> {
                JsonNode delta = event.path("delta");
                String deltaType = delta.path("type").asText();
                if ("text_delta".equals(deltaType)) {
                    String text = delta.path("text").asText("");
                    turn.text.append(text);
                    return text.isEmpty() ? Flux.empty() : Flux.just(new AgentEvent.TextDelta(text));
                }
                if ("input_json_delta".equals(deltaType)) {
                    String[] call = turn.callsInProgress.get(event.path("index").asText());
                    if (call != null) {
                        call[2] = call[2] + delta.path("partial_json").asText("");
                    }
                }
                return Flux.empty();
            }
            case "content_block_stop" -> {
                String[] call = turn.callsInProgress.remove(event.path("index").asText());
                if (call == null) {
                    return Flux.empty();
                }
                ToolCall done = call(call[0], call[1], call[2]);
                turn.calls.add(done);
                return Flux.just(new AgentEvent.ToolCalled(done.callId(), done.name(), done.arguments()));
            }
            case "message_delta" -> {
                String stop = event.path("delta").path("stop_reason").asText("");
                if (!stop.isEmpty()) {
                    turn.stopReason = stop;
                }
                // output_tokens here is the running total of the message: report what is new
                long total = event.path("usage").path("output_tokens").asLong(turn.outputTokensSeen);
                long added = Math.max(0, total - turn.outputTokensSeen);
                turn.outputTokensSeen = Math.max(turn.outputTokensSeen, total);
                return added == 0 ? Flux.empty() : Flux.just(new AgentEvent.Usage(0, added, null));
            }
            case "message_stop" -> {
                turn.completed = true;
                if ("max_tokens".equals(turn.stopReason) && turn.calls.isEmpty()) {
                    return Flux.error(ProviderFailure.of(ProviderFailure.Kind.MAX_TOKENS,
                            "the model stopped at its output token limit"));
                }
                return Flux.empty();
            }
            case "error" -> {
                JsonNode error = event.path("error");
                String message = error.path("type").asText("error") + ": " + error.path("message").asText("");
                return Flux.error(ProviderFailure.of(ProviderFailure.Kind.STREAM_ERROR,
                        "the provider reported an error: " + clean(message, request.key())));
            }
            default -> {
                return Flux.empty();
            }
        }
    }
}
