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
 * same ids in the same order, identical to the durable log.
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
