package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
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

import io.agentworkspace.auth.Ability;
import io.agentworkspace.auth.TokenIssuance;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.EmbeddedApp;
import reactor.core.publisher.Flux;

/** The console over real HTTP on the embedded default: polling, SSE resume, and refusals of bad input. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsoleApiEmbeddedIT {

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "console-it");
        registry.add("agent.console.heartbeat", () -> "1s");
        registry.add("agent.console.pusher.secret", () -> SECRET);
        // retention runs only when a test asks (ConsoleRetention.prune), and keeps 5 events per channel then
        registry.add("agent.console.retention.interval", () -> "1h");
        registry.add("agent.console.retention.max-events-per-channel", () -> 5);
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
    @Autowired
    ConsoleRetention retention;
    @Autowired
    TokenIssuance issuance;
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
            client.frames.clear();
            client.subscribePrivate(channel, credentials.key(), SECRET, "{\"since\":\"abc\"}");
            assertThat(client.await("pusher:error", null, Duration.ofSeconds(5)).at("/data/message").asText())
                    .contains("since must be an event id");
            client.frames.clear();
            client.subscribePrivate(channel, credentials.key(), SECRET, "{\"since\":999999999}");
            assertThat(client.await("pusher:error", null, Duration.ofSeconds(5)).at("/data/message").asText())
                    .contains("beyond the newest event");
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
        // the very same request again, well within its timestamp window: a replay
        signedPost(anonymous, credentials.appId(), body, now, SECRET).expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/replayed-request");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM console_events WHERE channel = ?", Long.class, channel))
                .isOne();
        // signed anew (another timestamp), the same event is accepted
        signedPost(anonymous, credentials.appId(), body, now - 1, SECRET).expectStatus().isOk();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM console_events WHERE channel = ?", Long.class, channel))
                .isEqualTo(2);
    }

    /**
     * A request signed 700 s ago (captured, its window long over) sent again with a fresh {@code auth_timestamp}
     * beside its signed {@code AUTH_TIMESTAMP}: the string to sign must not come from other parameters than the
     * ones checked. Repeated and non-canonical names are refused; nothing is published.
     */
    @Test
    void aCapturedRequestCannotBeRevivedByRepeatingItsTimestampUnderAnotherSpelling() throws Exception {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        String body = "{\"name\":\"console.line\",\"channels\":[\"" + channel + "\"],\"data\":\"{\\\"n\\\":1}\"}";
        long now = java.time.Instant.now().getEpochSecond();
        WebTestClient anonymous = http.mutate().defaultHeaders(headers -> headers.remove("Authorization")).build();
        String path = "/apps/" + credentials.appId() + "/events";
        String captured = PusherApiRequests.signedUri(path, credentials.key(), SECRET, body, now - 700);
        String capturedQuery = captured.substring(captured.indexOf('?') + 1);

        List<String> attacks = List.of(
                "auth_timestamp=" + now + "&" + capturedQuery.replace("auth_timestamp=", "AUTH_TIMESTAMP="),
                capturedQuery.replace("auth_timestamp=", "AUTH_TIMESTAMP=") + "&auth_timestamp=" + now,
                "auth_timestamp=" + now + "&" + capturedQuery,
                capturedQuery + "&auth_timestamp=" + now,
                capturedQuery.replace("auth_key=", "Auth_Key="),
                capturedQuery.replace("auth_key=", "auth_key=x&auth_key="));
        for (String query : attacks) {
            anonymous.post().uri(path + "?" + query).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange().expectStatus().isUnauthorized()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM console_events WHERE channel = ?", Long.class, channel))
                .isZero();

        // the same request signed now is accepted: the refusals are about the spelling, not the request
        signedPost(anonymous, credentials.appId(), body, now, SECRET).expectStatus().isOk();
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
                .bodyValue("socket_id=1.2&channel_name=" + channel + "&since=abc").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-cursor");
        http.post().uri("/broadcasting/auth").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("socket_id=1.2&channel_name=public-news").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/not-a-private-channel");
        http.post().uri("/broadcasting/auth").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("socket_id=1.2&channel_name=" + channel).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.auth").value(auth -> assertThat((String) auth).startsWith(credentials.key() + ":"));
    }

    @Test
    void retentionRemovesOldEventsAndEveryTransportResetsTheCursorThenGoesOn() throws Exception {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        List<Long> ids = publish(channel, 0, 12);
        retention.prune();
        long missedThrough = ids.get(6);
        assertThat(jdbc.queryForList("SELECT id FROM console_events WHERE channel = ? ORDER BY id", Long.class, channel))
                .as("the newest 5 are kept").containsExactlyElementsOf(ids.subList(7, 12));
        long cursor = ids.get(1);

        http.get().uri("/api/channels/{c}/events?after={a}", channel, cursor).exchange()
                .expectStatus().isEqualTo(410).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/cursor-expired")
                .jsonPath("$.channel").isEqualTo(channel).jsonPath("$.resetCursor").isEqualTo(missedThrough);
        assertThat(ids(poll(channel, "after=" + missedThrough).path("events"))).containsExactlyElementsOf(ids.subList(7, 12));
        assertThat(ids(poll(channel, "after=0").path("events"))).as("after=0: the oldest retained on")
                .containsExactlyElementsOf(ids.subList(7, 12));

        // the pruned events are still in this node's ring of recent events: they must not be delivered after a reset
        List<Long> later = new ArrayList<>();
        try (RawPusherClient ws = RawPusherClient.connect(port, credentials.key())) {
            ws.subscribePrivate(channel, credentials.key(), SECRET, "{\"since\":" + cursor + "}");
            Flux<ServerSentEvent<String>> sse = sse(token).get()
                    .uri("/api/console/stream?channel={c}", channel).header("Last-Event-ID", String.valueOf(cursor))
                    .accept(MediaType.TEXT_EVENT_STREAM).retrieve()
                    .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { });
            List<ServerSentEvent<String>> streamed = new java.util.concurrent.CopyOnWriteArrayList<>();
            var subscription = sse.subscribe(streamed::add);
            try {
                ws.await("console:reset", channel, Duration.ofSeconds(10));
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (streamed.stream().noneMatch(event -> "reset".equals(event.event())) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                later.addAll(publish(channel, 12, 2));
                List<Long> expected = new ArrayList<>(ids.subList(7, 12));
                expected.addAll(later);
                deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while ((ws.events("console.line").size() < 7 || dataEvents(streamed).size() < 7)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(200);

                assertThat(JSON.readTree(ws.await("console:reset", channel, Duration.ofSeconds(1)).path("data").asText())
                        .path("missedThrough").asLong()).isEqualTo(missedThrough);
                assertThat(ws.events("console.line").stream().map(frame -> frame.path("id").asLong()).toList())
                        .as("WebSocket after its reset").containsExactlyElementsOf(expected);
                List<ServerSentEvent<String>> named = streamed.stream().filter(event -> event.event() != null
                        || event.data() != null).toList();
                assertThat(named.get(0).event()).isEqualTo("reset");
                JsonNode reset = JSON.readTree(named.get(0).data());
                assertThat(reset.path("channel").asText()).isEqualTo(channel);
                assertThat(reset.path("missedThrough").asLong()).isEqualTo(missedThrough);
                assertThat(dataEvents(streamed).stream().map(event -> Long.parseLong(event.id())).toList())
                        .as("SSE after its reset").containsExactlyElementsOf(expected);
            } finally {
                subscription.dispose();
            }
        }

        // by age: what was published more than max-age ago goes, whatever the count
        String aged = ConsoleChannels.run(UUID.randomUUID().toString());
        List<Long> agedIds = publish(aged, 0, 3);
        long eightDaysAgo = (java.time.Instant.now().minus(Duration.ofDays(8)).toEpochMilli()) * 1000;
        jdbc.update("UPDATE console_events SET published_us = ? WHERE id <= ?", eightDaysAgo, agedIds.get(2));
        retention.prune();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM console_events WHERE channel = ?", Long.class, aged)).isZero();
        http.get().uri("/api/channels/{c}/events?after={a}", aged, agedIds.get(0)).exchange()
                .expectStatus().isEqualTo(410).expectBody().jsonPath("$.resetCursor").isEqualTo(agedIds.get(2));
    }

    @Test
    void aRevokedOrExpiredTokenEndsItsStreamAndItsSocketWithinFiveSeconds() throws Exception {
        String channel = ConsoleChannels.run(UUID.randomUUID().toString());
        TokenIssuance.Issued revoked = issuance.issue("console-revoked", EnumSet.of(Ability.CONSOLE_SUBSCRIBE), null,
                null, "test").block(Duration.ofSeconds(30));
        // far enough out that the revoked token's checks above finish first even on a loaded machine
        java.time.Instant expiresAt = java.time.Instant.now().plusSeconds(12);
        TokenIssuance.Issued expiring = issuance.issue("console-expiring", EnumSet.of(Ability.CONSOLE_SUBSCRIBE), null,
                expiresAt, "test").block(Duration.ofSeconds(30));
        try (Watcher onRevoked = Watcher.open(this, revoked.plaintext(), channel);
             Watcher onExpiring = Watcher.open(this, expiring.plaintext(), channel)) {
            long first = publish(channel, 0, 1).get(0);
            onRevoked.awaitEvent(first);
            onExpiring.awaitEvent(first);

            issuance.revoke(revoked.token().tokenId(), "test", "test").block(Duration.ofSeconds(30));
            long revokedAt = System.nanoTime();
            http.mutate().defaultHeader("Authorization", "Bearer " + revoked.plaintext()).build()
                    .get().uri("/api/channels/{c}/events", channel).exchange().expectStatus().isUnauthorized();
            onRevoked.awaitEnd(revokedAt, Duration.ofSeconds(5));

            long second = publish(channel, 1, 1).get(0);
            onExpiring.awaitEvent(second);
            assertThat(onExpiring.sseEnded()).as("the other token's stream goes on").isFalse();
            long expiry = System.nanoTime() + Duration.between(java.time.Instant.now(), expiresAt).toNanos();
            onExpiring.awaitEnd(expiry, Duration.ofSeconds(5));
        }
    }

    /** An SSE stream and a private WebSocket subscription opened with one token. */
    static final class Watcher implements AutoCloseable {
        private final RawPusherClient ws;
        private final List<ServerSentEvent<String>> events;
        private final java.util.concurrent.CountDownLatch ended;
        private final reactor.core.Disposable stream;

        private Watcher(RawPusherClient ws, List<ServerSentEvent<String>> events,
                        java.util.concurrent.CountDownLatch ended, reactor.core.Disposable stream) {
            this.ws = ws;
            this.events = events;
            this.ended = ended;
            this.stream = stream;
        }

        static Watcher open(ConsoleApiEmbeddedIT test, String token, String channel) throws Exception {
            RawPusherClient ws = RawPusherClient.connect(test.port, test.credentials.key());
            byte[] answer = test.http.mutate().defaultHeader("Authorization", "Bearer " + token).build()
                    .post().uri("/broadcasting/auth").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                    .bodyValue("socket_id=" + ws.socketId() + "&channel_name=" + channel).exchange()
                    .expectStatus().isOk().expectBody().returnResult().getResponseBody();
            JsonNode authorization = JSON.readTree(answer);
            ws.subscribeAuthorized(channel, authorization.path("auth").asText(),
                    authorization.path("channel_data").asText());
            ws.await("pusher_internal:subscription_succeeded", channel, Duration.ofSeconds(10));
            List<ServerSentEvent<String>> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
            reactor.core.Disposable stream = test.sse(token).get().uri("/api/console/stream?channel={c}", channel)
                    .accept(MediaType.TEXT_EVENT_STREAM).retrieve()
                    .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                    .doFinally(signal -> ended.countDown())
                    .subscribe(events::add, failure -> { });
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (events.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);      // the opening retry:/id: message: the stream is live
            }
            return new Watcher(ws, events, ended, stream);
        }

        boolean sseEnded() {
            return ended.getCount() == 0;
        }

        void awaitEvent(long id) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                boolean onSse = events.stream().anyMatch(event -> String.valueOf(id).equals(event.id()) && event.data() != null
                        && event.event() == null);
                boolean onWs = ws.events("console.line").stream().anyMatch(frame -> frame.path("id").asLong() == id);
                if (onSse && onWs) {
                    return;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("event " + id + " did not arrive on both transports");
        }

        /** Both end within {@code within} of {@code since} (System.nanoTime()): SSE with its end event, WS with 4009. */
        void awaitEnd(long since, Duration within) throws Exception {
            long deadline = since + within.toNanos();
            assertThat(ended.await(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS))
                    .as("the SSE stream ended in time").isTrue();
            ServerSentEvent<String> last = events.get(events.size() - 1);
            assertThat(last.event()).isEqualTo("end");
            assertThat(JSON.readTree(last.data()).path("reason").asText()).isEqualTo("token-invalid");
            Integer code = ws.closed.get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            assertThat(code).as("the WebSocket was closed as unauthorized").isEqualTo(4009);
            assertThat(ws.events("pusher:error")).anyMatch(frame -> frame.toString().contains("4009"));
        }

        @Override
        public void close() {
            stream.dispose();
            ws.close();
        }
    }

    WebClient sse(String bearer) {
        return WebClient.builder().baseUrl("http://127.0.0.1:" + port).defaultHeader("Authorization", "Bearer " + bearer)
                .build();
    }

    private static List<ServerSentEvent<String>> dataEvents(List<ServerSentEvent<String>> events) {
        return events.stream().filter(event -> event.event() == null && event.data() != null).toList();
    }

    private static List<Long> ids(JsonNode events) {
        List<Long> ids = new ArrayList<>();
        events.forEach(event -> ids.add(event.path("id").asLong()));
        return ids;
    }

    private static WebTestClient.ResponseSpec signedPost(WebTestClient client, String appId, String body, long timestamp,
                                                         String secret) throws Exception {
        return PusherApiRequests.signedPost(client, appId, "agent-workspace-key", body, timestamp, secret);
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
