package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Published data with line breaks ({@code \n}, {@code \r}, {@code \r\n}, as JSON whitespace or inside a plain
 * string) never breaks SSE framing: a client parsing by the specification (any of the three ends a line, a blank
 * line ends the event, data lines are joined with {@code \n}) reads exactly one event with the right id and data.
 */
class SseFramingTest {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":\n1}", "{\"a\":\r1}", "{\"a\":\r\n1}", "{\n\n\"a\"\r\r:1\r\n\r\n}",
            "{\"a\":1}\nid: 999\nevent: forged\n\ndata: {}", "{\"a\":1}\r\rdata: {\"injected\":true}"})
    void jsonDataWithLineBreaksIsOneEventWithItsOwnData(String data) throws Exception {
        boolean json = isJson(data);
        ConsoleEvent event = new ConsoleEvent(42, "private-run.x", "run.output", data, json, 1_000_000, null);
        List<Parsed> events = parse(StandardCharsets.UTF_8.decode(event.sseWire()).toString());
        assertThat(events).hasSize(1);
        assertThat(events.get(0).id).isEqualTo("42");
        assertThat(events.get(0).event).isNull();
        JsonNode item = JSON.readTree(events.get(0).data);
        assertThat(item.get("id").asLong()).isEqualTo(42);
        if (json) {
            assertThat(item.get("data")).isEqualTo(JSON.readTree(data));
        } else {
            assertThat(item.get("data").asText()).isEqualTo(data);
        }
    }

    private static boolean isJson(String text) {
        try {
            JSON.readTree(text);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private record Parsed(String id, String event, String data) {
    }

    /** The event-stream interpretation of the HTML specification, for complete events. */
    private static List<Parsed> parse(String stream) {
        List<Parsed> events = new ArrayList<>();
        String id = null;
        String type = null;
        StringBuilder data = null;
        for (String line : stream.split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(new Parsed(id, type, data.toString()));
                }
                data = null;
                type = null;
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).startsWith(" ") ? line.substring(colon + 2)
                    : line.substring(colon + 1);
            switch (field) {
                case "id" -> id = value;
                case "event" -> type = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                }
            }
        }
        return events;
    }
}
