package io.agentworkspace.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.console.PackagedServer;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.TestServices;

/**
 * kill -9 of the packaged service (MariaDB, Redis) in the middle of two runs, then a restart on the same database
 * and data directory: the run whose policy is requeue is interrupted, requeued and then succeeds on its second
 * attempt; the one whose policy is fail ends interrupted; none is left starting or running, the workspace locks
 * are free, and the console history from before the kill is all still there, each run's channel in causal order
 * (the interruption after the last output line of the killed attempt).
 */
class RunCrashIT {

    @Test
    void aKilledNodeInterruptsItsRunsByPolicyOnRestart() throws Exception {
        String database = TestServices.createDatabase();
        Path dataDir = Files.createTempDirectory("agent-runs-crash");
        Path origin = GitRepositories.withCommits(Files.createTempDirectory("agent-runs-crash-origin"), 1).path();
        try (PackagedServer server = PackagedServer.create(database, dataDir, Map.of("agent.runs.poll-interval", "200ms",
                "agent.secrets.master-key", MySqlProfile.TEST_MASTER_KEY))) {
            server.start(Duration.ofSeconds(120));
            WebTestClient http = AdminToken.authorize(WebTestClient.bindToServer().baseUrl(server.baseUrl())
                    .responseTimeout(Duration.ofSeconds(30)).build(), AdminToken.read(dataDir));
            String requeued = ProjectWorkspaces.registerAndClone(http, origin);
            String failing = ProjectWorkspaces.registerAndClone(http, origin);
            String a = RunsApi.script(http, requeued, "agents-default",
                    "say attempt starts\ntool write_file {\"path\":\"progress.txt\",\"content\":\"x\\n\",\"append\":true}\nsleep 15000\nsay attempt ends");
            String b = RunsApi.script(http, failing, "agents-long", "say a long run\nsleep 120000");
            RunsApi.awaitState(http, a, Duration.ofSeconds(30), Set.of("running"));
            RunsApi.awaitState(http, b, Duration.ofSeconds(30), Set.of("running"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
                    RunsApi.streamedText(RunsApi.console(http, a)).contains("attempt starts")
                            && RunsApi.streamedText(RunsApi.console(http, b)).contains("a long run"));
            List<Long> before = TestServices.consoleLogIds(database, "private-run." + a);
            before.addAll(TestServices.consoleLogIds(database, "private-run." + b));
            assertThat(lockHeld(requeued)).isTrue();
            assertThat(lockHeld(failing)).isTrue();

            server.kill();
            server.start(Duration.ofSeconds(120));

            JsonNode second = RunsApi.awaitEnded(http, a, Duration.ofSeconds(90));
            assertThat(second.get("state").asText()).as(second.toString()).isEqualTo("succeeded");
            assertThat(second.get("attempt").asInt()).isEqualTo(2);
            assertThat(second.get("interruptions").asInt()).isEqualTo(1);
            JsonNode interrupted = RunsApi.awaitEnded(http, b, Duration.ofSeconds(60));
            assertThat(interrupted.get("state").asText()).isEqualTo("interrupted");
            assertThat(interrupted.get("summary").get("reason").asText()).contains("restarted");

            for (String state : List.of("starting", "running")) {
                assertThat(http.get().uri("/api/runs?state=" + state).exchange().expectBody(JsonNode.class)
                        .returnResult().getResponseBody().get("total").asLong()).as("runs " + state).isZero();
            }
            assertThat(lockHeld(requeued)).as("lock of the requeued run's project").isFalse();
            assertThat(lockHeld(failing)).as("lock of the interrupted run's project").isFalse();

            List<Long> after = TestServices.consoleLogIds(database, "private-run." + a);
            after.addAll(TestServices.consoleLogIds(database, "private-run." + b));
            assertThat(after).as("console history from before the kill").containsAll(before);
            // lifecycle events commit with their console events: the terminal one is there once the state is
            List<JsonNode> consoleA = RunsApi.console(http, a);
            List<String> namesA = RunsApi.names(consoleA);
            assertThat(namesA).containsSubsequence("run.started", "run.interrupted", "run.requeued", "run.started",
                    "run.succeeded");
            CausalOrder.assertRunChannel(namesA);
            assertThat(RunsApi.streamedText(consoleA)).isEqualTo("attempt starts\nattempt starts\nattempt ends\n");
            List<JsonNode> consoleB = RunsApi.console(http, b);
            List<String> namesB = RunsApi.names(consoleB);
            assertThat(namesB).endsWith("run.interrupted").doesNotContain("run.requeued");
            CausalOrder.assertRunChannel(namesB);
            assertThat(consoleA.stream().map(event -> event.get("id").asLong()).toList()).as("polling = durable log")
                    .isEqualTo(TestServices.consoleLogIds(database, "private-run." + a));
            assertThat(consoleB.stream().map(event -> event.get("id").asLong()).toList()).as("polling = durable log")
                    .isEqualTo(TestServices.consoleLogIds(database, "private-run." + b));
        }
    }

    private static boolean lockHeld(String projectId) {
        RedisClient client = RedisClient.create("redis://" + TestServices.redis().host() + ":" + TestServices.redis().port() + "/3");
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().exists("workspace:lock:" + projectId) > 0;
        } finally {
            client.shutdown();
        }
    }
}
