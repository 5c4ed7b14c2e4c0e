package io.agentworkspace.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.Disposable;

/**
 * One channel followed from a cursor over the two push transports at once, a Pusher WebSocket (private
 * subscription resuming with {@code since}) and SSE ({@code Last-Event-ID}): what each delivered, as "id event".
 */
public final class ChannelWatch implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RawPusherClient ws;
    private final Disposable sse;
    private final List<String> sseEvents;
    private final String channel;

    private ChannelWatch(RawPusherClient ws, Disposable sse, List<String> sseEvents, String channel) {
        this.ws = ws;
        this.sse = sse;
        this.sseEvents = sseEvents;
        this.channel = channel;
    }

    public static ChannelWatch open(int port, String bearerToken, String pusherKey, String pusherSecret,
                                    String channel, long cursor) throws Exception {
        RawPusherClient ws = RawPusherClient.connect(port, pusherKey);
        ws.subscribePrivate(channel, pusherKey, pusherSecret, "{\"since\":" + cursor + "}");
        List<String> received = new CopyOnWriteArrayList<>();
        Disposable sse = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .defaultHeader("Authorization", "Bearer " + bearerToken).build()
                .get().uri("/api/console/stream?channel={c}", channel)
                .header("Last-Event-ID", String.valueOf(cursor))
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve().bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .filter(event -> event.data() != null && event.event() == null)
                .subscribe(event -> {
                    try {
                        received.add(event.id() + " " + JSON.readTree(event.data()).path("event").asText());
                    } catch (Exception e) {
                        received.add(event.id() + " unparsable");
                    }
                });
        return new ChannelWatch(ws, sse, received, channel);
    }

    /** What the WebSocket delivered on the channel, as "id event". */
    public List<String> webSocket() {
        List<String> events = new ArrayList<>();
        for (JsonNode frame : ws.frames) {
            if (channel.equals(frame.path("channel").asText()) && frame.has("id")) {
                events.add(frame.path("id").asLong() + " " + frame.path("event").asText());
            }
        }
        return events;
    }

    /** What SSE delivered, as "id event". */
    public List<String> sse() {
        return List.copyOf(sseEvents);
    }

    /** Waits until both transports delivered {@code id}. */
    public void awaitBoth(long id, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (has(webSocket(), id) && has(sse(), id)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("id " + id + " not delivered on both transports within " + within + "; ws "
                + webSocket() + ", sse " + sse());
    }

    private static boolean has(List<String> events, long id) {
        return events.stream().anyMatch(event -> event.startsWith(id + " "));
    }

    @Override
    public void close() {
        sse.dispose();
        ws.close();
    }
}
