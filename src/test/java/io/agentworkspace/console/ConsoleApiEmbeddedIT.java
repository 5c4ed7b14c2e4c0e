package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import reactor.core.publisher.Flux;

/** The console over real HTTP on the embedded default: polling, SSE resume, and refusals of bad input. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsoleApiEmbeddedIT {

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        Path dataDir = Files.createTempDirectory("agent-console-it");
        registry.add("agent.data-dir", dataDir::toString);
        registry.add("agent.console.heartbeat", () -> "1s");
        registry.add("agent.console.pusher.secret", () -> SECRET);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "console-api-it-secret";

    @Autowired
    WebTestClient http;
    @Autowired
    ConsoleEventService console;
    @Autowired
    DataDirectory dataDirectory;
    @Autowired
    PusherCredentials credentials;
    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;
    @LocalServerPort
    int port;
    String token;

    @BeforeEach
    void asAdmin() {
        token = AdminToken.read(dataDirectory.root());
        http = AdminToken.authorize(http, token);
    }

    private List<Long> publish(String channel, int from, int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            ids.add(console.publish(channel, "console.line", Map.of("n", i, "text", "line " + i)).block(Duration.ofSeconds(10)));
        }
        return ids;
    }

    @Test
    void pollingReturnsEventsAfterTheCursorInOrderWithTheNextCursor() throws Exception {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        List<Long> ids = publish(channel, 0, 12);
        assertThat(ids).isSorted().doesNotHaveDuplicates();

        JsonNode first = poll(channel, "after=0&limit=5");
        assertThat(first.path("events")).hasSize(5);
        assertThat(first.path("more").asBoolean()).isTrue();
        assertThat(first.path("events").get(0).path("data").path("n").asInt()).isZero();
        long next = first.path("next").asLong();
        assertThat(next).isEqualTo(ids.get(4));

        JsonNode rest = poll(channel, "after=" + next + "&limit=100");
        assertThat(rest.path("events")).hasSize(7);
        assertThat(rest.path("more").asBoolean()).isFalse();
        List<Long> polled = new ArrayList<>();
        first.path("events").forEach(e -> polled.add(e.path("id").asLong()));
        rest.path("events").forEach(e -> polled.add(e.path("id").asLong()));
        assertThat(polled).containsExactlyElementsOf(ids);

        JsonNode tail = poll(channel, "limit=3");
        assertThat(tail.path("events").get(2).path("id").asLong()).isEqualTo(ids.get(11));
    }

    @Test
    void sseResumesFromLastEventIdExactlyOnceThenGoesLive() {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        List<Long> ids = publish(channel, 0, 10);
        WebClient client = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .defaultHeader("Authorization", "Bearer " + token).build();
        Flux<ServerSentEvent<String>> stream = client.get()
                .uri("/api/console/stream?channel={c}", channel)
                .header("Last-Event-ID", String.valueOf(ids.get(3)))
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve().bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { });
        List<Long> later = new ArrayList<>();
        Thread publisher = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            later.addAll(publish(channel, 10, 5));
        });
        publisher.start();
        List<ServerSentEvent<String>> received = stream.filter(event -> event.data() != null)
                .take(11).collectList().block(Duration.ofSeconds(20));
        List<Long> receivedIds = received.stream().map(event -> Long.parseLong(event.id())).toList();
        List<Long> expected = new ArrayList<>(ids.subList(4, 10));
        expected.addAll(later);
        assertThat(receivedIds).containsExactlyElementsOf(expected);
    }

    @Test
    void projectDomainEventsAreBridgedToTheProjectChannelOnce(@org.junit.jupiter.api.io.TempDir Path scratch)
            throws Exception {
        var repo = io.agentworkspace.support.GitRepositories.withCommits(scratch.resolve("repo"), 1);
        byte[] registered = http.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "bridged-" + UUID.randomUUID(), "localPath", repo.path().toString()))
                .exchange().expectStatus().isAccepted().expectBody().returnResult().getResponseBody();
        String projectId = JSON.readTree(registered).path("id").asText();
        String channel = ConsoleChannels.project(projectId);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode events = JSON.createArrayNode();
        while (events.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            events = poll(channel, "after=0").path("events");
        }
        assertThat(events).hasSize(2);
        assertThat(events.get(0).path("event").asText()).isEqualTo("project.registered");
        assertThat(events.get(0).at("/data/projectId").asText()).isEqualTo(projectId);
        assertThat(events.get(1).path("event").asText()).isEqualTo("project.workspace-cloned");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM console_events WHERE channel = ?", Long.class,
                ConsoleChannels.OPS)).isPositive();
    }

    @Test
    void refusesBadCursorsAndChannelsWithProblems() {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        publish(channel, 0, 1);
        http.get().uri("/api/channels/{c}/events?after=abc", channel).exchange()
                .expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-cursor");
        http.get().uri("/api/channels/{c}/events?after=999999999", channel).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.type").isEqualTo("/problems/cursor-in-future");
        http.get().uri("/api/console/stream?channel={c}", channel).header("Last-Event-ID", "-1").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-cursor");
        http.get().uri("/api/console/stream?channel={c}&last_event_id=99999999", channel).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.type").isEqualTo("/problems/cursor-in-future");
        http.get().uri("/api/channels/{c}/events", "bad channel!").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-channel");
        http.mutate().defaultHeaders(headers -> headers.remove("Authorization")).build()
                .get().uri("/api/channels/{c}/events", channel).exchange().expectStatus().isUnauthorized();
    }

    @Test
    void theWebSocketRefusesBadInputWithProtocolErrorsAndOtherConnectionsCarryOn() throws Exception {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        try (RawPusherClient bystander = RawPusherClient.connect(port, credentials.key());
             RawPusherClient stranger = RawPusherClient.connect(port, "no-such-key");
             RawPusherClient client = RawPusherClient.connect(port, credentials.key())) {
            bystander.subscribePrivate(channel, credentials.key(), SECRET);
            assertThat(stranger.await("pusher:error", null, Duration.ofSeconds(5)).at("/data/code").asInt()).isEqualTo(4001);
            assertThat(stranger.closed.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(4001);

            client.socketId();
            client.send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"}}");
            assertThat(client.await("pusher:error", null, Duration.ofSeconds(5)).at("/data/code").asInt()).isEqualTo(4009);
            client.frames.clear();
            client.send("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel
                    + "\",\"auth\":\"" + credentials.key() + ":" + "0".repeat(64) + "\"}}");
            assertThat(client.await("pusher:error", null, Duration.ofSeconds(5)).at("/data/code").asInt()).isEqualTo(4009);
            client.frames.clear();
            client.send("this is not json");
            assertThat(client.await("pusher:error", null, Duration.ofSeconds(5)).at("/data/message").asText())
                    .contains("not valid JSON");
            client.send("{\"event\":\"pusher:ping\",\"data\":{}}");
            client.await("pusher:pong", null, Duration.ofSeconds(5));
            client.send("{\"event\":\"pusher:ping\",\"data\":\"" + "x".repeat(70_000) + "\"}");
            assertThat(client.closed.get(5, java.util.concurrent.TimeUnit.SECONDS)).isIn(1002, 1009);
            assertThat(client.events("console.line")).isEmpty();

            publish(channel, 0, 3);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (bystander.events("console.line").size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(bystander.events("console.line")).hasSize(3);
            assertThat(bystander.closed).isNotDone();
        }
    }

    @Test
    void theHttpPublishApiRefusesUnsignedStaleAndForgedRequestsAndPublishesNothing() throws Exception {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        String body = "{\"name\":\"console.line\",\"channels\":[\"" + channel + "\"],\"data\":\"{\\\"n\\\":1}\"}";
        long now = java.time.Instant.now().getEpochSecond();
        WebTestClient anonymous = http.mutate().defaultHeaders(headers -> headers.remove("Authorization")).build();

        anonymous.post().uri("/apps/{id}/events", credentials.appId()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/unsigned-request");
        signedPost(anonymous, credentials.appId(), body, now - 3600, SECRET).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/stale-request");
        signedPost(anonymous, credentials.appId(), body, now, "wrong-secret").expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-signature");
        signedPost(anonymous, "other-app", body, now, SECRET).expectStatus().isUnauthorized();
        signedPost(anonymous, credentials.appId(), "{\"name\":\"console.line\",\"channels\":[\"" + channel
                + "\"],\"data\":\"" + "x".repeat(20_000) + "\"}", now, SECRET).expectStatus().isEqualTo(413);
        signedPost(anonymous, credentials.appId(), "{\"name\":42}", now, SECRET).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/malformed-request");
        signedPost(anonymous, credentials.appId(), "{\"name\":\"e\",\"channels\":[\"" + channel
                + "\",\"bad channel\"],\"data\":\"{}\"}", now, SECRET).expectStatus().isBadRequest();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM console_events WHERE channel = ?", Long.class, channel))
                .isZero();

        signedPost(anonymous, credentials.appId(), body, now, SECRET).expectStatus().isOk()
                .expectBody().jsonPath("$.ids['" + channel + "']").isNumber();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM console_events WHERE channel = ?", Long.class, channel))
                .isOne();
    }

    @Test
    void broadcastingAuthNeedsATokenAndAPrivateChannel() {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        http.mutate().defaultHeaders(headers -> headers.remove("Authorization")).build()
                .post().uri("/broadcasting/auth").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("socket_id=1.2&channel_name=" + channel).exchange().expectStatus().isUnauthorized();
        http.post().uri("/broadcasting/auth").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("socket_id=x&channel_name=" + channel).exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-socket-id");
        http.post().uri("/broadcasting/auth").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("socket_id=1.2&channel_name=public-news").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/not-a-private-channel");
        http.post().uri("/broadcasting/auth").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("socket_id=1.2&channel_name=" + channel).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.auth").value(auth -> assertThat((String) auth).startsWith(credentials.key() + ":"));
    }

    private static WebTestClient.ResponseSpec signedPost(WebTestClient client, String appId, String body, long timestamp,
                                                         String secret) throws Exception {
        String path = "/apps/" + appId + "/events";
        String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        String query = "auth_key=agent-workspace-key&auth_timestamp=" + timestamp + "&auth_version=1.0&body_md5=" + md5;
        String signature = RawPusherClient.hmac(secret, "POST\n" + path + "\n" + query);
        return client.post().uri(path + "?" + query + "&auth_signature=" + signature)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private JsonNode poll(String channel, String query) throws Exception {
        byte[] body = http.get().uri("/api/channels/" + channel + "/events?" + query).exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody();
        return JSON.readTree(body);
    }

    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
