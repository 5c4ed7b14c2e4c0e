package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.TestServices;

/**
 * kill -9 of the packaged service under load: 10 pusher-js subscribers, a publisher at 500 events/s through the
 * Pusher HTTP API. The clients poll while the server is gone and every one of them resumes push within 2 s of the
 * server being back, which is the moment the restarted process answers 200 on {@code /actuator/health/readiness}
 * (probed every 20 ms). All end with the identical, ordered sequence, which is exactly what the durable log holds
 * for the channel and so contains every acknowledged event; no event is pushed twice.
 */
class ConsoleFailoverIT {

    static final String SECRET = "console-failover-it-secret";
    static final long PUSH_RESUME_MS = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void clientsLoseNothingAcrossAKillAndResumePushWithinTwoSeconds() throws Exception {
        String database = TestServices.createDatabase();
        Path dataDir = Files.createTempDirectory("agent-console-failover");
        Path resultFile = dataDir.resolve("clients.json");
        try (ServerProcess server = ServerProcess.create(database, dataDir,
                Map.of("agent.console.pusher.secret", SECRET))) {
            server.start(Duration.ofSeconds(180));
            Map<String, String> environment = Map.of("CONSOLE_BASE_URL", server.baseUrl(),
                    "CONSOLE_TOKEN", AdminToken.read(dataDir), "PUSHER_APP_ID", "agent-workspace",
                    "PUSHER_KEY", "agent-workspace-key", "PUSHER_SECRET", SECRET, "SUBSCRIBERS", "10", "RATE", "500",
                    "RESULT_FILE", resultFile.toString());
            try (NodeClients.Script clients = NodeClients.Script.start("failover.mjs", environment)) {
                String channel = clients.await("RUNNING ", Duration.ofSeconds(60)).substring("RUNNING ".length());
                Thread.sleep(3000);
                server.kill();
                Thread.sleep(1000);
                long back = server.start(Duration.ofSeconds(180));
                clients.send("BACK " + back);
                JsonNode result = JSON.readTree(clients.await("RESULT ", Duration.ofSeconds(90)).substring(7));
                clients.await("DONE", Duration.ofSeconds(10));
                assertThat(clients.exitCode(Duration.ofSeconds(10))).isZero();
                System.out.println("failover: " + result);

                JsonNode received = JSON.readTree(resultFile.toFile());
                List<Long> ids = longs(received.path("ids"));
                List<Long> acknowledged = longs(received.path("acknowledged"));
                List<Long> logged = TestServices.consoleLogIds(database, channel);
                assertThat(acknowledged).as("publishes acknowledged around the kill").hasSizeGreaterThan(500);
                assertThat(ids).as("what every client holds (they are identical) is the channel's durable log")
                        .containsExactlyElementsOf(logged);
                assertThat(logged).as("every acknowledged event is in the log").containsAll(acknowledged);
                assertThat(result.path("pushDuplicates").asInt()).as("events pushed twice").isZero();
                List<Long> resumed = longs(result.path("pushResumedMs"));
                assertThat(resumed).hasSize(10).allSatisfy(ms -> assertThat(ms)
                        .as("push resumed after the server reported ready, ms (all: %s)", resumed)
                        .isLessThanOrEqualTo(PUSH_RESUME_MS));
            }
        }
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asLong()));
        return values;
    }
}
