package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * The console's edge: a browser page of another origin cannot open {@code /app/{key}} (same origin and clients that
 * send no Origin can), one address holds at most its quota of WebSocket connections, one token at most its quota
 * of SSE streams; past them a 4xx problem, never a hang or a 5xx.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.console.max-connections-per-address=3", "agent.console.max-connections-per-token=2"})
class ConsoleEdgeIT {

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        registry.add("agent.data-dir", Files.createTempDirectory("agent-console-edge-it")::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    DataDirectory data;

    @Test
    void anotherOriginIsRefusedAtTheHandshakeAndTheServiceOwnAndNativeClientsPass() {
        assertThat(handshake("https://evil.example")).isEqualTo(403);
        assertThat(handshake("null")).isEqualTo(403);
        assertThat(handshake("http://127.0.0.1:" + port)).isEqualTo(101);
        assertThat(handshake(null)).isEqualTo(101);
    }

    @Test
    void oneAddressHoldsAtMostItsQuotaOfWebSockets() throws Exception {
        List<Disposable> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(HttpClient.create().websocket(WebsocketClientSpec.builder().build())
                        .uri("ws://127.0.0.1:" + port + "/app/agent-workspace-key?protocol=7")
                        .handle((in, out) -> in.receive().then()).subscribe());
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> handshake(null) == 429);
        } finally {
            open.forEach(Disposable::dispose);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> handshake(null) == 101);
    }

    @Test
    void oneTokenHoldsAtMostItsQuotaOfSseStreams() throws Exception {
        String token = AdminToken.read(data.root());
        String url = "http://127.0.0.1:" + port + "/api/console/stream?channel=public-edge";
        List<Disposable> open = new ArrayList<>();
        java.util.concurrent.CountDownLatch streaming = new java.util.concurrent.CountDownLatch(2);
        try {
            for (int i = 0; i < 2; i++) {
                java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
                open.add(HttpClient.create().headers(h -> h.set("Authorization", "Bearer " + token)).get().uri(url)
                        .responseContent().doOnNext(chunk -> {
                            if (started.compareAndSet(false, true)) {
                                streaming.countDown();
                            }
                        }).subscribe());
            }
            assertThat(streaming.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            String refused = HttpClient.create().headers(h -> h.set("Authorization", "Bearer " + token)).get().uri(url)
                    .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                            .map(text -> response.status().code() + " " + text))
                    .block(Duration.ofSeconds(10));
            assertThat(refused).startsWith("429").contains("too-many-connections");
        } finally {
            open.forEach(Disposable::dispose);
        }
    }

    /** The handshake's status: 101 when upgraded, else the HTTP status it was refused with. */
    private int handshake(String origin) {
        return HttpClient.create().headers(headers -> {
                    headers.set("Connection", "Upgrade").set("Upgrade", "websocket").set("Sec-WebSocket-Version", "13")
                            .set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
                    if (origin != null) {
                        headers.set("Origin", origin);
                    }
                }).get().uri("http://127.0.0.1:" + port + "/app/agent-workspace-key?protocol=7")
                .response().map(response -> response.status().code()).block(Duration.ofSeconds(10));
    }
}
