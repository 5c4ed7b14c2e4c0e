package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.agentworkspace.support.RunningApp;
import io.agentworkspace.support.TestServices;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Two nodes on one MariaDB and one Redis: a subscriber on each receives the events published on both, with the
 * same ids in the same order, identical to the durable log; a signed HTTP publish cannot be replayed on the other;
 * presence, client events, channel information, termination and webhooks span both nodes.
 */
class TwoNodesIT {

    static final String SECRET = "two-nodes-it-secret";
    static final int PER_NODE = 300;

    @Test
    void subscribersOnBothNodesSeeTheSameSequence() throws Exception {
        String database = TestServices.createDatabase();
        Map<String, Object> shared = Map.of("agent.console.pusher.secret", SECRET);
        try (RunningApp a = RunningApp.start(database, Files.createTempDirectory("node-a"), shared);
             RunningApp b = RunningApp.start(database, Files.createTempDirectory("node-b"), shared)) {
            String channel = ConsoleChannels.run(UUID.randomUUID().toString());
            String key = a.bean(PusherCredentials.class).key();
            RawPusherClient onA = RawPusherClient.connect(port(a), key);
            RawPusherClient onB = RawPusherClient.connect(port(b), key);
            onA.subscribePrivate(channel, key, SECRET);
            onB.subscribePrivate(channel, key, SECRET);

            Flux<Long> fromA = Flux.range(0, PER_NODE).concatMap(n -> a.bean(ConsoleEventService.class)
                    .publish(channel, "console.line", Map.of("node", "a", "n", n)), 32);
            Flux<Long> fromB = Flux.range(0, PER_NODE).concatMap(n -> b.bean(ConsoleEventService.class)
                    .publish(channel, "console.line", Map.of("node", "b", "n", n)), 32);
            List<Long> acknowledged = Flux.merge(fromA.subscribeOn(Schedulers.parallel()),
                    fromB.subscribeOn(Schedulers.parallel())).collectList().block(Duration.ofSeconds(60));
            assertThat(acknowledged).hasSize(2 * PER_NODE).doesNotHaveDuplicates();

            List<Long> onAIds = awaitIds(onA, 2 * PER_NODE);
            List<Long> onBIds = awaitIds(onB, 2 * PER_NODE);
            assertThat(onAIds).isSorted().doesNotHaveDuplicates();
            assertThat(onBIds).containsExactlyElementsOf(onAIds);
            assertThat(onAIds).containsExactlyInAnyOrderElementsOf(acknowledged);
            List<Long> logged = a.jdbc().queryForList(
                    "SELECT id FROM console_events WHERE channel = ? ORDER BY id", Long.class, channel);
            assertThat(logged).containsExactlyElementsOf(onAIds);
            assertThat(frames(onA)).containsExactlyElementsOf(frames(onB));
            onA.close();
            onB.close();

            // a signed HTTP publish accepted by one node is a replay on the other (Redis remembers it for both)
            String body = "{\"name\":\"console.line\",\"channel\":\"" + channel + "\",\"data\":\"{}\"}";
            long now = java.time.Instant.now().getEpochSecond();
            PusherApiRequests.signedPost(a.http(), "agent-workspace", key, body, now, SECRET).expectStatus().isOk();
            PusherApiRequests.signedPost(org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
                            .baseUrl("http://127.0.0.1:" + port(b)).build(), "agent-workspace", key, body, now, SECRET)
                    .expectStatus().isUnauthorized().expectBody().jsonPath("$.type").isEqualTo("/problems/replayed-request");
            assertThat(a.jdbc().queryForObject("SELECT COUNT(*) FROM console_events WHERE channel = ?", Long.class,
                    channel)).isEqualTo(2 * PER_NODE + 1);
        }
    }

    /**
     * laravel-echo clients on different nodes share one presence channel (here, joining, leaving), whisper across
     * them; the `pusher` SDK asking one node counts both nodes' members and subscriptions and terminates a user
     * connected to the other; every webhook transition arrives once though both nodes send webhooks
     * (src/test/node/two-nodes.mjs).
     */
    @Test
    void presenceClientEventsChannelInformationTerminationAndWebhooksSpanBothNodes() throws Exception {
        String database = TestServices.createDatabase();
        int webhookPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            webhookPort = socket.getLocalPort();
        }
        Map<String, Object> shared = Map.of("agent.console.pusher.secret", SECRET,
                "agent.console.client-events.enabled", true,
                "agent.console.webhooks.url", "http://127.0.0.1:" + webhookPort + "/webhooks",
                "agent.console.webhooks.max-attempts", 40, "agent.console.webhooks.backoff", "250ms");
        try (RunningApp a = RunningApp.start(database, Files.createTempDirectory("node-a"), shared);
             RunningApp b = RunningApp.start(database, Files.createTempDirectory("node-b"), shared)) {
            io.agentworkspace.auth.TokenIssuance issuance = a.bean(io.agentworkspace.auth.TokenIssuance.class);
            var alice = issuance.issue("alice", java.util.EnumSet.of(io.agentworkspace.auth.Ability.CONSOLE_SUBSCRIBE),
                    null, null, "test").block(Duration.ofSeconds(30));
            var bob = issuance.issue("bob", java.util.EnumSet.of(io.agentworkspace.auth.Ability.CONSOLE_SUBSCRIBE),
                    null, null, "test").block(Duration.ofSeconds(30));
            PusherCredentials credentials = a.bean(PusherCredentials.class);
            Map<String, String> environment = new java.util.HashMap<>(Map.of(
                    "CONSOLE_BASE_URL", "http://127.0.0.1:" + port(a),
                    "NODE_A_URL", "http://127.0.0.1:" + port(a), "NODE_B_URL", "http://127.0.0.1:" + port(b),
                    "PUSHER_APP_ID", credentials.appId(), "PUSHER_KEY", credentials.key(), "PUSHER_SECRET", SECRET,
                    "WEBHOOK_PORT", String.valueOf(webhookPort)));
            environment.putAll(Map.of("TOKEN_A", alice.plaintext(), "TOKEN_A_NAME", "alice",
                    "TOKEN_A_ID", alice.token().tokenId(), "TOKEN_B", bob.plaintext(), "TOKEN_B_NAME", "bob"));
            try (NodeClients.Script clients = NodeClients.Script.start("two-nodes.mjs", environment)) {
                clients.await("DONE", Duration.ofSeconds(240));
                assertThat(clients.exitCode(Duration.ofSeconds(10))).isZero();
                assertThat(clients.output()).anyMatch(line -> line.startsWith("OK J"));
            }
        }
    }

    private static int port(RunningApp app) {
        return app.bean(org.springframework.core.env.Environment.class).getRequiredProperty("local.server.port",
                Integer.class);
    }

    private static List<Long> awaitIds(RawPusherClient client, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (client.events("console.line").size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return client.events("console.line").stream().map(frame -> frame.path("id").asLong()).toList();
    }

    private static List<String> frames(RawPusherClient client) {
        return client.events("console.line").stream().map(JsonNode::toString).toList();
    }
}
