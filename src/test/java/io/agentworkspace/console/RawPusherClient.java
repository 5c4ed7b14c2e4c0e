package io.agentworkspace.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A Pusher protocol client on the JDK's WebSocket, speaking the frames by hand: for tests of the wire itself. */
final class RawPusherClient implements WebSocket.Listener, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "raw-pusher-client");
        thread.setDaemon(true);
        return thread;
    })).build();

    final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    /** With {@link #lightweight}, the {@code n} of each console.line instead of the frame: keeps the test's heap flat. */
    final List<Integer> lineNumbers = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    volatile boolean lightweight;
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;
    private volatile String socketId;

    static RawPusherClient connect(int port, String key) throws Exception {
        RawPusherClient client = new RawPusherClient();
        client.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/app/" + key + "?protocol=7&client=java&version=8.0"),
                        client)
                .get(10, TimeUnit.SECONDS);
        return client;
    }

    String socketId() throws InterruptedException {
        JsonNode established = await("pusher:connection_established", null, Duration.ofSeconds(10));
        try {
            return JSON.readTree(established.path("data").asText()).path("socket_id").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void subscribePrivate(String channel, String key, String secret) throws Exception {
        String auth = key + ":" + hmac(secret, socketId() + ":" + channel);
        send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\",\"auth\":\"" + auth + "\"}}");
        await("pusher_internal:subscription_succeeded", channel, Duration.ofSeconds(10));
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    JsonNode await(String event, String channel, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode frame : frames) {
                if (event.equals(frame.path("event").asText())
                        && (channel == null || channel.equals(frame.path("channel").asText()))) {
                    return frame;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no " + event + " within " + timeout + "; got " + frames);
    }

    List<JsonNode> events(String name) {
        return frames.stream().filter(frame -> name.equals(frame.path("event").asText())).toList();
    }

    static String hmac(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                JsonNode frame = JSON.readTree(partial.toString());
                if (lightweight && "console.line".equals(frame.path("event").asText())) {
                    lineNumbers.add(JSON.readTree(frame.path("data").asText()).path("n").asInt());
                } else {
                    frames.add(frame);
                }
            } catch (Exception e) {
                frames.add(JSON.createObjectNode().put("unparsable", partial.toString()));
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
