package io.agentworkspace.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/**
 * A local Sentry ingestion endpoint: takes envelopes on {@code POST /api/<project>/envelope/} (gzip or not, as the
 * SDK sends them) and keeps each one whole, its text and its parsed items.
 */
public final class SentryServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One envelope: its raw text, its header and its items (header and payload of each). */
    public record Envelope(String text, JsonNode header, List<Item> items) {
    }

    public record Item(JsonNode header, JsonNode payload) {
    }

    private final List<Envelope> envelopes = new CopyOnWriteArrayList<>();
    private final LoopbackEndpoint endpoint = LoopbackEndpoint.start("/api/", this::receive);

    private SentryServer() {
    }

    public static SentryServer start() {
        return new SentryServer();
    }

    /** The DSN of project 42 on this server. */
    public String dsn() {
        return endpoint.baseUrl().replace("http://", "http://0123456789abcdef0123456789abcdef@") + "/42";
    }

    public List<Envelope> envelopes() {
        return List.copyOf(envelopes);
    }

    /** The error events received, one per envelope item of type event. */
    public List<JsonNode> events() {
        return envelopes.stream().flatMap(envelope -> envelope.items().stream())
                .filter(item -> "event".equals(item.header().path("type").asText())).map(Item::payload).toList();
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())
                    || !exchange.getRequestURI().getPath().matches("/api/42/envelope/?")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            envelopes.add(parse(new String(LoopbackEndpoint.body(exchange), StandardCharsets.UTF_8)));
            LoopbackEndpoint.answer(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Envelope format: a header line, then per item a header line and a payload (its {@code length} or one line). */
    static Envelope parse(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int newline = indexOf(bytes, 0);
        JsonNode header = JSON.readTree(new String(bytes, 0, newline, StandardCharsets.UTF_8));
        List<Item> items = new ArrayList<>();
        int at = newline + 1;
        while (at < bytes.length) {
            int end = indexOf(bytes, at);
            String itemHeaderText = new String(bytes, at, end - at, StandardCharsets.UTF_8);
            if (itemHeaderText.isBlank()) {
                at = end + 1;
                continue;
            }
            JsonNode itemHeader = JSON.readTree(itemHeaderText);
            int start = end + 1;
            int stop = itemHeader.has("length") ? start + itemHeader.get("length").asInt() : indexOf(bytes, start);
            String payload = new String(bytes, start, Math.min(stop, bytes.length) - start, StandardCharsets.UTF_8);
            JsonNode parsed = payload.startsWith("{") ? JSON.readTree(payload) : JSON.getNodeFactory().textNode(payload);
            items.add(new Item(itemHeader, parsed));
            at = stop + 1;
        }
        return new Envelope(text, header, items);
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return bytes.length;
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
