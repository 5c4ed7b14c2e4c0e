package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.EmbeddedApp;
import reactor.core.publisher.Flux;

/**
 * A client that stops reading is cut off with a resumable cursor while the others keep the full rate, and the
 * server's memory does not grow with what the stalled clients failed to read.
 *
 * <p>The server and the two stalled clients (one WebSocket, one SSE, raw sockets with tiny receive buffers) are in
 * this JVM, so its memory can be measured; the three readers that keep up are pusher-js clients in a Node process
 * of their own (src/test/node/readers.mjs), so a busy shared machine starving this JVM's threads cannot make them
 * look slow. The load leaves them headroom: 1 000 events/s of 2 KB (2 MB/s per reader), where a reader would have
 * to stop reading for seconds to fill the socket buffers and the 4 MB the server lets a connection hold.
 *
 * <p>Unbounded, each stalled connection would hold all 30 MB published; the memory bound asserted is well below
 * that. The close grace is long here so that the stalled clients, reading again once they were cut off, get
 * deterministically what the server sent them and its goodbye (a 41xx close frame; the SSE end event and the end
 * of the stream); in production it is a second, after which the connection is dropped with what it holds.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SlowConsumerIT {

    static final String SECRET = "slow-consumer-it-secret";
    static final int EVENTS = 15_000;
    static final int LINE_BYTES = 2_000;
    static final long PENDING_LIMIT = 4L * 1024 * 1024;
    /**
     * Heap (after GC) plus direct memory: the ring (4 MB), two cut-off connections' pending bytes (4 MB each), Netty's
     * pool growing by whole 4 MB chunks, and slack; about half of the 56 MB the stalled connections would hold unbounded.
     */
    static final long MEMORY_GROWTH_LIMIT = 32L * 1024 * 1024;
    /** From the end of publishing to a reader's last event: it kept the rate, whereas a stalled client never would. */
    static final long READER_LAG_LIMIT_MS = 3_000;

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "console-slow-it");
        registry.add("agent.console.pusher.secret", () -> SECRET);
        // the ring of recent events is the one deliberate cache; keep it small so growth beyond it shows
        registry.add("agent.console.recent-bytes", () -> 4 * 1024 * 1024);
        registry.add("agent.console.subscriber-pending-bytes", () -> PENDING_LIMIT);
        registry.add("agent.console.close-grace", () -> "90s");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    ConsoleEventService console;
    @Autowired
    PusherCredentials credentials;
    @Autowired
    MeterRegistry meters;
    @Autowired
    DataDirectory dataDirectory;
    @Autowired
    WebTestClient http;
    @LocalServerPort
    int port;

    @Test
    void stalledClientsAreCutOffWithACursorWhileOthersKeepFullRate() throws Exception {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        String token = AdminToken.read(dataDirectory.root());
        Map<String, String> environment = Map.of("CONSOLE_BASE_URL", "http://127.0.0.1:" + port,
                "CONSOLE_TOKEN", token, "PUSHER_APP_ID", credentials.appId(), "PUSHER_KEY", credentials.key(),
                "PUSHER_SECRET", SECRET, "CHANNEL", channel, "READERS", "3", "COUNT", String.valueOf(EVENTS));
        try (NodeClients.Script readers = NodeClients.Script.start("readers.mjs", environment);
             StalledClient stalled = StalledClient.subscribe(port, credentials.key(), channel);
             StalledSseClient stalledSse = StalledSseClient.subscribe(port, token, channel)) {
            readers.await("SUBSCRIBED", Duration.ofSeconds(60));
            long memoryBefore = usedMemoryAfterGc();
            String line = "x".repeat(LINE_BYTES);
            long started = System.nanoTime();
            // paced: 10 events every 10 ms
            Flux.interval(Duration.ofMillis(10)).take(EVENTS / 10).onBackpressureBuffer()
                    .concatMap(tick -> Flux.range((int) (tick * 10), 10)
                            .flatMap(n -> console.publish(channel, "console.line", Map.of("n", n, "text", line))))
                    .blockLast(Duration.ofSeconds(120));
            long published = System.currentTimeMillis();
            double seconds = (System.nanoTime() - started) / 1e9;
            // the stalled clients have read nothing yet: without the bound their connections would hold everything
            long memoryStalled = usedMemoryAfterGc();

            JsonNode result = JSON.readTree(readers.await("RESULT ", Duration.ofSeconds(120)).substring(7));
            assertThat(result).hasSize(3);
            for (JsonNode reader : result) {
                assertThat(reader.path("drops").asInt()).as("a reader that keeps up is never cut off").isZero();
                assertThat(reader.path("inOrder").asBoolean()).as("n = 0, 1, 2, ... once each").isTrue();
                assertThat(reader.path("received").asInt()).isEqualTo(EVENTS);
                assertThat(reader.path("lastAt").asLong() - published)
                        .as("ms from the last publish to a reader's last event: it kept the full rate")
                        .isLessThanOrEqualTo(READER_LAG_LIMIT_MS);
            }
            assertThat(slowDisconnects("ws")).as("only the stalled WebSocket client was cut off").isEqualTo(1);
            assertThat(slowDisconnects("sse")).as("only the stalled SSE client was cut off").isEqualTo(1);

            StalledClient.Drained drained = stalled.drain(Duration.ofSeconds(30));
            assertThat(drained.closeCode()).as("a reconnect-after-backoff close code").isBetween(4100, 4199);
            Matcher sent = Pattern.compile("\\(sent (\\d+)\\)").matcher(drained.closeReason());
            assertThat(sent.find()).as("the close reason names the last id handed to the connection: %s",
                    drained.closeReason()).isTrue();
            // frames still in the send queue at the cut-off are dropped: the client's own last id is its cursor
            assertThat(Long.parseLong(sent.group(1))).isGreaterThanOrEqualTo(drained.lastId());
            assertThat(drained.ns()).as("the stalled client got a prefix, in order, not everything")
                    .hasSizeLessThan(EVENTS).containsExactlyElementsOf(range(0, drained.ns().size()));
            assertThat(pollAfter(channel, drained.lastId(), token))
                    .as("resuming after the last id it got yields exactly what it missed")
                    .containsExactlyElementsOf(range(drained.ns().size(), EVENTS));

            StalledSseClient.Drained sse = stalledSse.drain(Duration.ofSeconds(30));
            assertThat(sse.endReason()).isEqualTo("slow-consumer");
            assertThat(sse.endOfStream()).as("the stream ended after the end event").isTrue();
            assertThat(sse.endLastEventId()).as("the end event's cursor is the last id the client got")
                    .isEqualTo(sse.lastId());
            assertThat(sse.ns()).as("the stalled SSE client got a prefix, in order, not everything")
                    .hasSizeLessThan(EVENTS).containsExactlyElementsOf(range(0, sse.ns().size()));
            assertThat(pollAfter(channel, sse.endLastEventId(), token))
                    .containsExactlyElementsOf(range(sse.ns().size(), EVENTS));

            System.out.printf("slow consumer: %d events of %d B in %.1f s (%.0f/s) to 3 readers; stalled WebSocket cut "
                    + "after %d events (close %d), stalled SSE after %d; heap+direct %d -> %d MB while stalled "
                    + "(unbounded: +%d MB per stalled connection)%n", EVENTS, LINE_BYTES, seconds, EVENTS / seconds,
                    drained.ns().size(), drained.closeCode(), sse.ns().size(), memoryBefore >> 20, memoryStalled >> 20,
                    (long) EVENTS * LINE_BYTES >> 20);
            assertThat(memoryStalled - memoryBefore).as("heap + direct memory growth in bytes")
                    .isLessThan(MEMORY_GROWTH_LIMIT);
            readers.await("DONE", Duration.ofSeconds(10));
        }
    }

    private double slowDisconnects(String transport) {
        return meters.get("agent.console.slow.disconnects").tag("transport", transport).counter().count();
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    /** The {@code n} of every event after the cursor, by polling as a resuming client does. */
    private List<Integer> pollAfter(String channel, long cursor, String token) throws Exception {
        List<Integer> ns = new ArrayList<>();
        long after = cursor;
        while (true) {
            byte[] body = http.get().uri("/api/channels/{c}/events?after={a}&limit=100", channel, after)
                    .header("Authorization", "Bearer " + token).exchange()
                    .expectStatus().isOk().expectBody().returnResult().getResponseBody();
            JsonNode page = JSON.readTree(body);
            page.path("events").forEach(event -> ns.add(event.path("data").path("n").asInt()));
            after = page.path("next").asLong();
            if (!page.path("more").asBoolean()) {
                return ns;
            }
        }
    }

    /** Heap in use after GC, plus the direct buffers (where Netty holds what a connection has not sent yet). */
    private static long usedMemoryAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + direct;
    }

    /** An SSE client on a raw socket with a tiny receive buffer that subscribes and then stops reading. */
    static final class StalledSseClient implements AutoCloseable {

        record Drained(List<Integer> ns, long lastId, String endReason, long endLastEventId, boolean endOfStream) {
        }

        private final Socket socket;
        private final DataInputStream in;

        private StalledSseClient(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
        }

        static StalledSseClient subscribe(int port, String token, String channel) throws Exception {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            StalledSseClient client = new StalledSseClient(socket);
            socket.getOutputStream().write(("GET /api/console/stream?channel=" + channel + " HTTP/1.1\r\nHost: 127.0.0.1:"
                    + port + "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String headers = client.readLine() + "\n";
            for (String header = client.readLine(); !header.isEmpty(); header = client.readLine()) {
                headers += header.toLowerCase(Locale.ROOT) + "\n";
            }
            // the body is the stream as it is, not chunked: it ends with the connection
            assertThat(headers).startsWith("HTTP/1.1 200").contains("connection: close")
                    .doesNotContain("transfer-encoding");
            // the first message is the stream's start (retry and the starting id): subscribed from here on
            assertThat(client.readMessage()).startsWith("retry:");
            return client;
        }

        /** Reads everything left until the stream ends (the server closes after its end event) or times out. */
        Drained drain(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean endOfStream;
            try {
                byte[] buffer = new byte[8192];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    body.write(buffer, 0, read);
                }
                endOfStream = true;
            } catch (SocketTimeoutException stillOpen) {
                endOfStream = false;
            } catch (IOException dropped) {
                endOfStream = false;
            }
            String text = body.toString(StandardCharsets.UTF_8);
            List<Integer> ns = new ArrayList<>();
            long lastId = -1;
            String endReason = null;
            long endLastEventId = -1;
            for (String message : text.split("\n\n")) {
                if (message.startsWith("id: ")) {
                    JsonNode item = JSON.readTree(message.substring(message.indexOf("data: ") + 6));
                    ns.add(item.path("data").path("n").asInt());
                    lastId = item.path("id").asLong();
                } else if (message.startsWith("event: end\n")) {
                    JsonNode end = JSON.readTree(message.substring(message.indexOf("data: ") + 6));
                    endReason = end.path("reason").asText();
                    endLastEventId = end.path("lastEventId").asLong();
                }
            }
            return new Drained(ns, lastId, endReason, endLastEventId, endOfStream);
        }

        /** One SSE message: the lines up to the blank line that ends it. */
        private String readMessage() throws IOException {
            StringBuilder message = new StringBuilder();
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                message.append(line).append('\n');
            }
            return message.toString();
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new EOFException();
                }
                line.write(b);
            }
            return line.toString(StandardCharsets.US_ASCII).stripTrailing();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A WebSocket client on a raw socket with a tiny receive buffer that subscribes and then stops reading. */
    static final class StalledClient implements AutoCloseable {

        /**
         * @param ns     the {@code n} of every event it received, in order
         * @param lastId the id of the last event it received, its resume cursor
         */
        record Drained(List<Integer> ns, long lastId, int closeCode, String closeReason) {
        }

        private final Socket socket;
        private final DataInputStream in;
        private long subscribedAfter;
        private boolean closing;

        private StalledClient(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
        }

        static StalledClient subscribe(int port, String key, String channel) throws Exception {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            StalledClient client = new StalledClient(socket);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /app/" + key + "?protocol=7&client=raw&version=1 HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            client.readHeaders();
            JsonNode established = JSON.readTree(client.readFrame());
            String socketId = JSON.readTree(established.path("data").asText()).path("socket_id").asText();
            String auth = key + ":" + RawPusherClient.hmac(SECRET, socketId + ":" + channel);
            client.writeMasked("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\",\"auth\":\""
                    + auth + "\"}}");
            JsonNode succeeded = JSON.readTree(client.readFrame());
            assertThat(succeeded.path("event").asText()).isEqualTo("pusher_internal:subscription_succeeded");
            client.subscribedAfter = JSON.readTree(succeeded.path("data").asText()).path("_seq").asLong();
            return client;
        }

        /** Reads everything left until the server's close frame (code -1: the connection ended without one). */
        Drained drain(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            List<Integer> ns = new ArrayList<>();
            long lastId = subscribedAfter;
            try {
                while (true) {
                    byte[] frame = readFrame();
                    if (frame == null) {
                        return new Drained(ns, lastId, -1, "");
                    }
                    if (closing) {
                        int code = frame.length >= 2 ? ((frame[0] & 0xff) << 8) | (frame[1] & 0xff) : -1;
                        String reason = frame.length > 2
                                ? new String(frame, 2, frame.length - 2, StandardCharsets.UTF_8) : "";
                        return new Drained(ns, lastId, code, reason);
                    }
                    JsonNode event = JSON.readTree(frame);
                    if ("console.line".equals(event.path("event").asText())) {
                        JsonNode data = event.path("data");
                        ns.add((data.isTextual() ? JSON.readTree(data.asText()) : data).path("n").asInt());
                        lastId = event.path("id").asLong();
                    }
                }
            } catch (SocketTimeoutException | EOFException ended) {
                return new Drained(ns, lastId, -1, "");
            }
        }

        private void readHeaders() throws IOException {
            ByteArrayOutputStream headers = new ByteArrayOutputStream();
            while (!headers.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                headers.write(in.readUnsignedByte());
            }
            assertThat(headers.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
        }

        /** One server frame's payload ({@link #closing} set for a close frame); null at the end of the stream. */
        private byte[] readFrame() throws IOException {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            closing = (first & 0x0f) == 0x8;
            return payload;
        }

        private void writeMasked(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x81);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else {
                frame.write(0x80 | 126);
                frame.write(payload.length >> 8);
                frame.write(payload.length & 0xff);
            }
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
            socket.getOutputStream().write(frame.toByteArray());
            socket.getOutputStream().flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
