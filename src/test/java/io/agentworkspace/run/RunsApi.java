package io.agentworkspace.run;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Starting runs and reading them back through the HTTP API, as a client would. */
final class RunsApi {

    static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled", "timed_out", "interrupted");

    private RunsApi() {
    }

    static Map<String, Object> body(String projectId, String queue, String provider, String model, String prompt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("projectId", projectId);
        body.put("queue", queue);
        body.put("provider", provider);
        body.put("model", model);
        body.put("prompt", prompt);
        return body;
    }

    static String start(WebTestClient http, Map<String, Object> body) {
        JsonNode accepted = http.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody();
        return accepted.get("id").asText();
    }

    static String script(WebTestClient http, String projectId, String queue, String script) {
        return start(http, body(projectId, queue, "script", "script", script));
    }

    static JsonNode get(WebTestClient http, String runId) {
        return http.get().uri("/api/runs/" + runId).exchange().returnResult(JsonNode.class).getResponseBody()
                .blockFirst(Duration.ofSeconds(10));
    }

    /** Polls the run until it is in one of {@code states}. */
    static JsonNode awaitState(WebTestClient http, String runId, Duration within, Set<String> states) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        await().atMost(within).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode run = get(http, runId);
            last.set(run);
            return run != null && run.has("state") && states.contains(run.get("state").asText());
        });
        return last.get();
    }

    static JsonNode awaitEnded(WebTestClient http, String runId, Duration within) {
        return awaitState(http, runId, within, ENDED);
    }

    /** Every event of the run's console channel, oldest first, through the polling API. */
    static List<JsonNode> console(WebTestClient http, String runId) {
        List<JsonNode> events = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = http.get().uri("/api/channels/private-run." + runId + "/events?after=" + after + "&limit=1000")
                    .exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
            page.get("events").forEach(events::add);
            after = page.get("next").asLong();
            if (!page.get("more").asBoolean()) {
                return events;
            }
        }
    }

    /** The run's streamed text, in console order. */
    static String streamedText(List<JsonNode> events) {
        StringBuilder text = new StringBuilder();
        for (JsonNode event : events) {
            if (event.get("event").asText().equals("run.output")) {
                text.append(event.get("data").get("text").asText());
            }
        }
        return text.toString();
    }

    /** The run's console events once {@code last} is among them (waits up to 15 s). */
    static List<JsonNode> awaitConsole(WebTestClient http, String runId, String last) {
        AtomicReference<List<JsonNode>> seen = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            seen.set(console(http, runId));
            return names(seen.get()).contains(last);
        });
        return seen.get();
    }

    static List<String> names(List<JsonNode> events) {
        return events.stream().map(event -> event.get("event").asText()).toList();
    }
}
