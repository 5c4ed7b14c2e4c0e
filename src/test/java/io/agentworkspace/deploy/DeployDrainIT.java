package io.agentworkspace.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.console.NodeClients;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.Scripts;
import io.agentworkspace.support.TestServices;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Zero-downtime deploys for real: two instance slots of the packaged service on MariaDB + Redis behind a real
 * nginx, switched by deploy/release.sh. While a client sends 100 requests/s (reads and run submissions) and two
 * 60 s runs stream to pusher-js and eventsource subscribers, a new release goes live: no request fails, both runs
 * started before the deploy succeed (the one whose policy is fail finishes on the draining instance; the one whose
 * policy is requeue outlives the drain's grace, is handed back with a "deploy drain" event and succeeds on the new
 * instance), and every subscriber gets every console event of both runs exactly once, in order. Then a release that
 * fails its readiness check never takes traffic and the live one stays (no request fails); then rollback.sh returns
 * to the release that was live before the last good deploy, never to the failed one.
 */
class DeployDrainIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * 60 s of output, a line every 3 s: long enough to be running when the old instance drains however long this
     * machine takes to get the subscribers connected (the drain comes a few seconds after the gate opens).
     */
    private static final String RUN_SCRIPT = "say run starts\n" + java.util.stream.IntStream.rangeClosed(1, 20)
            .mapToObj(step -> "sleep 3000\nsay step " + step + " of 20").collect(java.util.stream.Collectors.joining("\n"))
            + "\nsay run ends";

    @Test
    void aReleaseGoesLiveWithoutAFailedRequestAndRunsAndConsolesCarryOn() throws Exception {
        Path app = Files.createTempDirectory("agent-deploy");
        try (DeployRig rig = new DeployRig(app, "-Xmx384m -XX:TieredStopAtLevel=1",
                Map.of("AGENT_RUNS_DRAIN_GRACE", "4s", "AGENT_RUNS_POLL_INTERVAL", "200ms"))) {
            Scripts.Result first = rig.release(rig.jarCopy("release-1"));
            assertThat(first.exitCode()).as(first.output() + rig.slotLog("a")).isZero();
            String release1 = rig.liveRelease();
            assertThat(rig.liveSlot()).isEqualTo("a");

            // a pooled connection is dropped after 20 s idle, before nginx's keepalive_timeout (75 s) closes it: a
            // request on a connection the server is closing that moment would get no answer
            WebTestClient http = AdminToken.authorize(WebTestClient.bindToServer(new ReactorClientHttpConnector(
                            HttpClient.create(ConnectionProvider.builder("deploy-drain").maxIdleTime(Duration.ofSeconds(20))
                                    .build()))).baseUrl(rig.proxyUrl())
                    .responseTimeout(Duration.ofSeconds(30)).build(), rig.adminToken());
            Path origin = GitRepositories.withCommits(app.resolve("origin"), 1).path();
            String longRuns = ProjectWorkspaces.registerAndClone(http, origin);
            String requeueRuns = ProjectWorkspaces.registerAndClone(http, origin);
            String submissions = ProjectWorkspaces.registerAndClone(http, origin);

            String release2;
            NodeClients.install();
            try (RequestLoad load = new RequestLoad(rig.proxyUrl(), rig.adminToken(), submissions, 50)) {
                load.start(100);
                Thread.sleep(3000);
                // the new release starts beside the live one; release.sh is held before its switch until the runs
                // and subscribers below are going on the live instance, so that they meet the drain
                load.phase("deploy");
                Path gate = app.resolve("switch-gate");
                CompletableFuture<Scripts.Result> deploying = rig.releaseHeldAt(rig.jarCopy("release-2"), gate);
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> rig.slotReady("b"));
                String mustFinish = startRun(http, longRuns, "agents-long");
                String handedOver = startRun(http, requeueRuns, "agents-default");
                List<String> channels = List.of("private-run." + mustFinish, "private-run." + handedOver);
                try (NodeClients.Script subscribers = NodeClients.Script.start("deploy.mjs", Map.of(
                        "CONSOLE_BASE_URL", rig.proxyUrl(), "CONSOLE_TOKEN", rig.adminToken(),
                        "PUSHER_APP_ID", "agent-workspace", "PUSHER_KEY", "agent-workspace-key",
                        "PUSHER_SECRET", DeployRig.PUSHER_SECRET, "CHANNELS", String.join(",", channels),
                        "PUSHER_CLIENTS", "2", "SSE_CLIENTS", "2"))) {
                    subscribers.await("READY", Duration.ofSeconds(60));
                    awaitRunning(http, mustFinish);
                    awaitRunning(http, handedOver);
                    Thread.sleep(2000);
                    assertThat(List.of(get(http, "/api/runs/" + mustFinish).path("state").asText(),
                            get(http, "/api/runs/" + handedOver).path("state").asText()))
                            .as("both runs still run when the switch and the drain begin").containsOnly("running");
                    Files.createFile(gate);
                    Scripts.Result deploy = deploying.get(15, TimeUnit.MINUTES);
                    load.phase("after-deploy");
                    System.out.println(deploy.output());
                    assertThat(deploy.exitCode()).as(deploy.output() + rig.slotLog("a") + rig.slotLog("b")).isZero();
                    assertThat(deploy.output()).containsPattern("the proxy switch took [0-9.]+ s")
                            .containsPattern("release [0-9-]+: ready [0-9.]+ s, serving [0-9.]+ s \\(switch [0-9.]+ s\\), "
                                    + "old release gone [0-9.]+ s");
                    release2 = rig.liveRelease();
                    assertThat(release2).isNotEqualTo(release1);
                    assertThat(rig.liveSlot()).isEqualTo("b");
                    assertThat(rig.slotRunning("a")).as("the old release is gone").isFalse();
                    assertThat(Files.readString(app.resolve("deploys.log")))
                            .containsPattern("action=release release=" + release2 + " slot=b outcome=live from=" + release1
                                    + " ready_s=[0-9.]+ serving_s=[0-9.]+ switch_s=[0-9.]+ gone_s=[0-9.]+");
                    assertThat(rig.slotLog("a")).containsPattern("draining: \\d+ run\\(s\\) running get 4 s to end")
                            .contains("run " + handedOver + " is handed back to its queue").contains("drained in");

                    JsonNode finished = awaitEnded(http, mustFinish);
                    assertThat(finished.get("state").asText()).as(finished.toString()).isEqualTo("succeeded");
                    assertThat(finished.get("attempt").asInt()).as("finished by the draining instance").isEqualTo(1);
                    JsonNode moved = awaitEnded(http, handedOver);
                    assertThat(moved.get("state").asText()).as(moved.toString()).isEqualTo("succeeded");
                    assertThat(moved.get("attempt").asInt()).as("run again on the new instance").isEqualTo(2);
                    assertThat(moved.get("interruptions").asInt()).as("a hand-over is no interruption").isZero();
                    assertThat(history(http, handedOver)).containsSubsequence("RunStarted", "RunHandedOver", "RunRequeued",
                            "RunStarting", "RunStarted", "RunSucceeded");
                    assertThat(handOverReason(http, handedOver)).startsWith("deploy drain: node rig-a stopped");
                    assertThat(history(http, mustFinish)).doesNotContain("RunHandedOver", "RunInterrupted");

                    // every subscriber: every console event of both runs exactly once, in order, across the switch
                    StringBuilder expect = new StringBuilder("EXPECT ");
                    Map<String, List<Long>> logged = new HashMap<>();
                    for (String channel : channels) {
                        List<Long> ids = awaitConsoleEnded(rig.database, channel);
                        logged.put(channel, ids);
                        expect.append(expect.length() > 7 ? "," : "").append(channel).append('=').append(ids.get(ids.size() - 1));
                    }
                    subscribers.send(expect.toString());
                    JsonNode result = JSON.readTree(subscribers.await("RESULT ", Duration.ofSeconds(120)).substring(7));
                    int reconnected = 0;
                    for (JsonNode client : result) {
                        String who = client.get("kind").asText() + " " + client.get("index").asInt();
                        for (String channel : channels) {
                            List<Long> received = new ArrayList<>();
                            client.get("ids").get(channel).forEach(id -> received.add(id.asLong()));
                            assertThat(received).as(who + " on " + channel).isEqualTo(logged.get(channel));
                        }
                        assertThat(client.get("duplicates").asInt()).as(who + " got an event twice").isZero();
                        reconnected += client.get("reconnects").asInt() > 0 ? 1 : 0;
                    }
                    assertThat(reconnected).as("clients that moved to the new instance").isEqualTo(4);
                    System.out.printf("console: %d clients, %d + %d events each, every one exactly once%n", result.size(),
                            logged.get(channels.get(0)).size(), logged.get(channels.get(1)).size());
                }

                // a release that fails its readiness check: never takes traffic, the live release stays
                load.phase("failed-release");
                Path broken = app.resolve("incoming/release-3-broken.jar");
                Files.write(broken, java.util.Arrays.copyOf(Files.readAllBytes(rig.jarCopy("release-3")), 4096));
                Scripts.Result failed = rig.release(broken);
                assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
                assertThat(failed.output()).contains("did not become ready: rolled back automatically, " + release2
                        + " stays live on slot b");
                assertThat(rig.liveRelease()).isEqualTo(release2);
                assertThat(rig.slotRunning("b")).isTrue();
                assertThat(rig.slotRunning("a")).isFalse();
                assertThat(Files.readString(app.resolve("deploys.log"))).contains("outcome=failed-readiness from=" + release2);

                // rollback: to the release live before the last good deploy (release 1), not the failed one
                load.phase("rollback");
                Scripts.Result back = rig.rollback();
                load.phase("end");
                System.out.println(back.output());
                assertThat(back.exitCode()).as(back.output()).isZero();
                assertThat(rig.liveRelease()).isEqualTo(release1);
                assertThat(rig.liveSlot()).isEqualTo("a");
                assertThat(rig.slotRunning("b")).isFalse();
                assertThat(Files.readSymbolicLink(app.resolve("current")).getFileName().toString()).isEqualTo(release1);
                Thread.sleep(2000);
                load.close();

                for (String phase : List.of("start", "deploy", "after-deploy", "failed-release", "rollback", "end")) {
                    RequestLoad.Phase figures = load.report(phase);
                    System.out.printf("requests %-14s %6d sent in %5.1f s (%5.1f/s), %6d ok, %d failed, slowest %d ms%n",
                            phase, figures.sent(), figures.seconds(), figures.rate(), figures.ok(), figures.failures().size(),
                            figures.slowestMillis());
                }
                System.out.printf("requests not sent because 5000 still waited for an answer: %d%n", load.skipped());
                System.out.printf("requests sent again because their reused connection closed before any answer: %d%n",
                        load.resent());
                // a resent submission is applied once: every accepted submission is one run, no more
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(
                        get(http, "/api/runs?project=" + submissions + "&limit=1").path("total").asLong())
                        .as("runs of the submissions project").isEqualTo(load.submitted()));
                assertThat(load.failures()).as("failed requests").isEmpty();
                assertThat(load.skipped()).as("requests not sent because too many waited").isZero();
                // the client is paced at 100/s; while a new JVM starts on this shared 2-vCPU machine the pacer itself
                // gets less CPU (about 70/s was seen): what matters is that the load never stopped
                assertThat(load.report("deploy").rate()).as("request rate during the deploy").isGreaterThan(40);
                assertThat(load.report("rollback").rate()).as("request rate during the rollback").isGreaterThan(40);
            }
        }
    }

    private static String startRun(WebTestClient http, String projectId, String queue) {
        return http.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("projectId", projectId, "queue", queue, "provider", "script", "model", "script",
                        "prompt", RUN_SCRIPT))
                .exchange().expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("id").asText();
    }

    private static JsonNode get(WebTestClient http, String uri) {
        return http.get().uri(uri).exchange().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private static void awaitRunning(WebTestClient http, String runId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> "running".equals(get(http, "/api/runs/" + runId).path("state").asText()));
    }

    private static JsonNode awaitEnded(WebTestClient http, String runId) {
        return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> get(http, "/api/runs/" + runId), run -> List.of("succeeded", "failed", "cancelled",
                        "timed_out", "interrupted").contains(run.path("state").asText()));
    }

    private static List<String> history(WebTestClient http, String runId) {
        List<String> types = new ArrayList<>();
        get(http, "/api/events?aggregate=" + runId + "&limit=100").path("items")
                .forEach(event -> types.add(event.path("type").asText().replaceAll(".*\\.", "")));
        return types;
    }

    private static String handOverReason(WebTestClient http, String runId) {
        for (JsonNode event : get(http, "/api/events?aggregate=" + runId + "&limit=100").path("items")) {
            if (event.path("type").asText().endsWith("RunHandedOver")) {
                return event.path("payload").path("reason").asText();
            }
        }
        return "";
    }

    /** The channel's ids in the durable log, once its run's terminal event is there. */
    private static List<Long> awaitConsoleEnded(String database, String channel) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> TestServices.consoleEvents(database, channel),
                        events -> events.stream().anyMatch(event -> event.name().equals("run.succeeded")))
                .stream().map(TestServices.ConsoleRow::id).toList();
    }
}
