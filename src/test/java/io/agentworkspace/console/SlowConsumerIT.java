package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import reactor.core.publisher.Flux;

/**
 * A client that stops reading is cut off (4100, a resumable cursor) while the others keep the full rate, and the
 * server's heap does not grow with what the stalled client failed to read.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SlowConsumerIT {

    static final String SECRET = "slow-consumer-it-secret";
    static final int EVENTS = 20_000;

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("agent-console-slow-it");
        registry.add("agent.data-dir", dataDir::toString);
        registry.add("agent.console.pusher.secret", () -> SECRET);
        // the ring of recent events is the one deliberate cache; keep it small so growth beyond it shows
        registry.add("agent.console.recent-bytes", () -> 4 * 1024 * 1024);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    ConsoleEventService console;
    @Autowired
    PusherCredentials credentials;
    @Autowired
    MeterRegistry meters;
    @LocalServerPort
    int port;

    @Test
    void aStalledClientIsCutOffWithACursorWhileOthersKeepFullRate() throws Exception {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        List<RawPusherClient> fast = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawPusherClient client = RawPusherClient.connect(port, credentials.key());
            client.subscribePrivate(channel, credentials.key(), SECRET);
            client.lightweight = true;
            fast.add(client);
        }
        try (StalledClient stalled = StalledClient.subscribe(port, credentials.key(), channel)) {
            long heapBefore = usedHeapAfterGc();
            String line = "x".repeat(1000);
            long started = System.nanoTime();
            // full rate for the readers: 2 000 events/s, paced, so a reader starved by a busy shared machine is not
            // mistaken for the stalled one
            Flux.interval(Duration.ofMillis(10)).take(EVENTS / 20).onBackpressureBuffer()
                    .concatMap(tick -> Flux.range((int) (tick * 20), 20)
                            .flatMap(n -> console.publish(channel, "console.line", Map.of("n", n, "text", line))))
                    .blockLast(Duration.ofSeconds(120));
            for (RawPusherClient client : fast) {
                awaitCount(client, EVENTS, Duration.ofSeconds(60));
                assertThat(List.copyOf(client.lineNumbers)).containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, EVENTS).boxed().toList());
            }
            double seconds = (System.nanoTime() - started) / 1e9;

            assertThat(meters.get("agent.console.slow.disconnects").tag("transport", "ws").counter().count())
                    .as("only the stalled client was cut off").isEqualTo(1);
            StalledClient.Drained drained = stalled.drain(Duration.ofSeconds(20));
            assertThat(drained.endOfStream()).as("the server closed the stalled connection").isTrue();
            assertThat(drained.lines()).as("the stalled client got a prefix, not everything").isLessThan(EVENTS);
            long heapAfter = usedHeapAfterGc();
            assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(24L * 1024 * 1024);
            System.out.printf("slow consumer: %d events to 3 fast clients in %.1f s, stalled client cut after %d lines, "
                    + "heap %d -> %d MB%n", EVENTS, seconds, drained.lines(), heapBefore >> 20, heapAfter >> 20);
        } finally {
            fast.forEach(RawPusherClient::close);
        }
    }

    private static void awaitCount(RawPusherClient client, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (client.lineNumbers.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fast client got only " + client.lineNumbers.size());
            }
            Thread.sleep(20);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A WebSocket client on a raw socket with a tiny receive buffer that subscribes and then stops reading. */
    static final class StalledClient implements AutoCloseable {

        record Drained(int lines, boolean endOfStream) {
        }

        private final Socket socket;
        private final DataInputStream in;

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
            return client;
        }

        /** Reads everything left until the server closes the connection. */
        Drained drain(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            int lines = 0;
            try {
                while (true) {
                    String frame = readFrame();
                    if (frame == null) {
                        return new Drained(lines, true);
                    }
                    lines += frame.contains("console.line") ? 1 : 0;
                }
            } catch (SocketTimeoutException stillOpen) {
                return new Drained(lines, false);
            } catch (IOException reset) {
                return new Drained(lines, true);
            }
        }

        private void readHeaders() throws IOException {
            ByteArrayOutputStream headers = new ByteArrayOutputStream();
            while (!headers.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                headers.write(in.readUnsignedByte());
            }
            assertThat(headers.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
        }

        /** One server frame's text; null for a close frame or the end of the stream. */
        private String readFrame() throws IOException {
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
            return (first & 0x0f) == 0x8 ? null : new String(payload, StandardCharsets.UTF_8);
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
