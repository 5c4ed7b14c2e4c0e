package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.EmbeddedApp;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * The console's edge: a browser page of another origin cannot open {@code /app/{key}} (same origin and clients that
 * send no Origin can), one address holds at most its quota of WebSocket connections, one token at most its quota
 * of SSE streams and token-bound WebSocket connections together; past them a 4xx problem (a pusher:error on the
 * socket), never a hang or a 5xx.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.console.max-connections-per-address=3", "agent.console.max-connections-per-token=2"})
class ConsoleEdgeIT {

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "console-edge-it");
    }

    @LocalServerPort
    int port;
    @Autowired
    DataDirectory data;
    @Autowired
    WebTestClient http;

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

    /**
     * A WebSocket carries no bearer token: it counts against the token named in the signed channel_data of its
     * subscriptions (once per connection, however many channels), together with the token's SSE streams.
     */
    @Test
    void oneTokenHoldsAtMostItsQuotaOfConnectionsOverWebSocketAndSseTogether() throws Exception {
        String token = AdminToken.read(data.root());
        WebTestClient admin = AdminToken.authorize(http, token);
        try (RawPusherClient first = RawPusherClient.connect(port, "agent-workspace-key");
             RawPusherClient second = RawPusherClient.connect(port, "agent-workspace-key")) {
            subscribe(admin, first, "private-edge-a");
            first.await("pusher_internal:subscription_succeeded", "private-edge-a", Duration.ofSeconds(10));
            subscribe(admin, first, "private-edge-b");
            first.await("pusher_internal:subscription_succeeded", "private-edge-b", Duration.ofSeconds(10));
            subscribe(admin, second, "private-edge-a");
            second.await("pusher_internal:subscription_succeeded", "private-edge-a", Duration.ofSeconds(10));
            // two sockets of the address's three: the address has room, the token has none
            assertThat(sseStatus(token)).startsWith("429").contains("too-many-connections");

            try (RawPusherClient third = RawPusherClient.connect(port, "agent-workspace-key")) {
                subscribe(admin, third, "private-edge-a");
                JsonNode refused = third.await("pusher:error", null, Duration.ofSeconds(10));
                assertThat(refused.path("data").path("code").asInt()).isEqualTo(4004);
                assertThat(refused.path("data").path("message").asText()).contains("max-connections-per-token");
                assertThat(third.events("pusher_internal:subscription_succeeded")).isEmpty();
                // a public channel needs no token, so it is not counted against one
                third.send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"public-edge\"}}");
                third.await("pusher_internal:subscription_succeeded", "public-edge", Duration.ofSeconds(10));

                // leaving both of its token-bound channels gives the first connection's place back
                first.send("{\"event\":\"pusher:unsubscribe\",\"data\":{\"channel\":\"private-edge-a\"}}");
                first.send("{\"event\":\"pusher:unsubscribe\",\"data\":{\"channel\":\"private-edge-b\"}}");
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    subscribe(admin, third, "private-edge-a");
                    third.await("pusher_internal:subscription_succeeded", "private-edge-a", Duration.ofSeconds(2));
                });
            }
            // a connection that ends gives its place back too
            second.close();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sseStatus(token).startsWith("200"));
        }
    }

    private static void subscribe(WebTestClient admin, RawPusherClient client, String channel) throws Exception {
        JsonNode authorization = new ObjectMapper().readTree(
                admin.post().uri("/broadcasting/auth").contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                        .bodyValue(java.util.Map.of("socket_id", client.socketId(), "channel_name", channel)).exchange()
                        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
        client.subscribeAuthorized(channel, authorization.get("auth").asText(), authorization.get("channel_data").asText());
    }

    /** The status (and body, when refused) of an SSE stream opened with the token; an opened stream is closed again. */
    private String sseStatus(String token) {
        return HttpClient.create().headers(h -> h.set("Authorization", "Bearer " + token)).get()
                .uri("http://127.0.0.1:" + port + "/api/console/stream?channel=public-edge")
                .responseConnection((response, connection) -> {
                    if (response.status().code() == 200) {
                        connection.dispose();
                        return reactor.core.publisher.Mono.just("200");
                    }
                    return connection.inbound().receive().aggregate().asString().defaultIfEmpty("")
                            .map(body -> response.status().code() + " " + body);
                }).next().block(Duration.ofSeconds(10));
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
