package io.agentworkspace.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.console.ChannelWatch;
import io.agentworkspace.console.ConsoleChannels;
import io.agentworkspace.console.ConsoleFeed;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.EmbeddedApp;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.ProjectWorkspaces;

/**
 * A run's lifecycle and its output reach the console in the order they happened, on every transport (WebSocket,
 * SSE, polling) and in the durable log: queued, starting, started, output and tool events, then exactly one
 * terminal event after the last output; for runs that stream and succeed, fail, and are cancelled while they
 * stream (RunCrashIT covers a run interrupted by a crash). A project's channel shows its project, run and snapshot
 * events in the order the event store recorded them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RunConsoleOrderIT {

    static final String PUSHER_SECRET = "run-console-order-it-secret";

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "run-console-order-it");
        registry.add("agent.console.pusher.secret", () -> PUSHER_SECRET);
        registry.add("agent.rag.index-on-clone", () -> "false");
    }

    @Autowired
    WebTestClient anonymous;
    @Autowired
    DataDirectory data;
    @Autowired
    ConsoleFeed feed;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    io.agentworkspace.console.PusherCredentials credentials;
    @LocalServerPort
    int port;

    WebTestClient http;
    String token;
    static String projectId;

    @BeforeEach
    void project() throws Exception {
        token = AdminToken.read(data.root());
        http = AdminToken.authorize(anonymous.mutate().responseTimeout(Duration.ofSeconds(30)).build(), token);
        if (projectId == null) {
            Path origin = GitRepositories.withCommits(Files.createTempDirectory("agent-run-order-origin"), 1).path();
            projectId = ProjectWorkspaces.registerAndClone(http, origin);
        }
    }

    @Test
    void aStreamingRunShowsItsLifecycleAroundItsOutputOnEveryTransport() throws Exception {
        List<String> names = followRun("""
                say Hello
                tool write_file {"path":"notes/a.txt","content":"a\\n"}
                say more
                emit 3000 x
                say done
                """, null, "run.succeeded");
        assertThat(names).startsWith("run.queued", "run.starting", "run.started").endsWith("run.succeeded");
        assertThat(names).contains("run.output", "run.tool-call", "run.tool-result");
    }

    @Test
    void aFailingRunEndsWithOneFailureAfterItsLastOutput() throws Exception {
        List<String> names = followRun("say about to fail\nsay really\nfail the script gave up", null, "run.failed");
        assertThat(names).startsWith("run.queued", "run.starting", "run.started", "run.output").endsWith("run.failed");
        assertThat(names).filteredOn("run.failed"::equals).hasSize(1);
    }

    @Test
    void aRunCancelledWhileItStreamsEndsCancelledAfterItsLastOutput() throws Exception {
        List<String> names = followRun("say waiting\nsleep 30000\nsay never", "waiting", "run.cancelled");
        assertThat(names).containsSubsequence("run.started", "run.output", "run.cancel-requested", "run.cancelled");
        assertThat(names.get(names.size() - 1)).isEqualTo("run.cancelled");
    }

    @Test
    void aProjectChannelShowsProjectRunAndSnapshotEventsInTheOrderTheyWereRecorded() throws Exception {
        Path origin = GitRepositories.withCommits(Files.createTempDirectory("agent-run-order-project"), 1).path();
        String project = ProjectWorkspaces.registerAndClone(http, origin);
        String runId = RunsApi.script(http, project, "agents-default", "say hi");
        String snapshotId = http.post().uri("/api/projects/" + project + "/snapshots")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("label", "order"))
                .exchange().expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("id").asText();
        RunsApi.awaitEnded(http, runId, Duration.ofSeconds(30));
        String channel = ConsoleChannels.project(project);
        List<String> names = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> jdbc.queryForList("SELECT event FROM console_events WHERE channel = ? ORDER BY id",
                        String.class, channel), seen -> seen.contains("run.succeeded")
                        && (seen.contains("snapshot.created") || seen.contains("snapshot.failed")));
        assertThat(names).startsWith("project.registered", "project.workspace-cloned")
                .contains("run.queued", "snapshot.requested");
        assertThat(names.indexOf("snapshot.requested")).isLessThan(names.indexOf("snapshot.created"));
        // the console events of each aggregate (by their origin, the domain event's id) in its sequence order;
        // events of different aggregates only where one caused the other (this test made them one after another)
        List<Map<String, Object>> origins = jdbc.queryForList("SELECT d.aggregateIdentifier AS aggregate, "
                + "d.sequenceNumber AS sequence FROM console_events c JOIN DomainEventEntry d ON d.eventIdentifier = "
                + "CASE WHEN c.origin LIKE '%:project' THEN SUBSTRING(c.origin, 1, LENGTH(c.origin) - 8) ELSE c.origin END "
                + "WHERE c.channel = ? ORDER BY c.id", channel);
        assertThat(origins).hasSize(names.size());
        Map<Object, List<Long>> sequences = new java.util.HashMap<>();
        origins.forEach(row -> sequences.computeIfAbsent(row.get("aggregate"), a -> new ArrayList<>())
                .add(((Number) row.get("sequence")).longValue()));
        assertThat(sequences.keySet()).contains(project, runId);
        sequences.values().forEach(sequence -> assertThat(sequence).isSorted().doesNotHaveDuplicates());
        assertThat(names).containsSubsequence("project.registered", "project.workspace-cloned", "run.queued",
                "snapshot.requested");
        assertThat(names).containsSubsequence("run.queued", "run.starting", "run.started", "run.succeeded");
        assertThat(snapshotId).isNotBlank();
    }

    /**
     * Starts a script run, follows its channel over WebSocket and SSE from before it was queued, optionally cancels
     * it once {@code cancelAfter} was streamed, and checks that every transport and the durable log hold the same
     * events in causal order. Returns their names.
     */
    private List<String> followRun(String script, String cancelAfter, String terminal) throws Exception {
        long cursor = feed.head();
        String runId = RunsApi.script(http, projectId, "agents-default", script);
        String channel = ConsoleChannels.run(runId);
        try (ChannelWatch watch = ChannelWatch.open(port, token, credentials.key(), PUSHER_SECRET, channel, cursor)) {
            if (cancelAfter != null) {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                        .until(() -> RunsApi.streamedText(RunsApi.console(http, runId)).contains(cancelAfter));
                http.post().uri("/api/runs/" + runId + "/cancel").exchange().expectStatus().isAccepted();
            }
            RunsApi.awaitEnded(http, runId, Duration.ofSeconds(30));
            List<JsonNode> polled = RunsApi.awaitConsole(http, runId, terminal);
            List<String> viaPolling = new ArrayList<>();
            polled.forEach(event -> viaPolling.add(event.get("id").asLong() + " " + event.get("event").asText()));
            List<String> durable = jdbc.query("SELECT id, event FROM console_events WHERE channel = ? ORDER BY id",
                    (row, i) -> row.getLong(1) + " " + row.getString(2), channel);
            long last = polled.get(polled.size() - 1).get("id").asLong();
            watch.awaitBoth(last, Duration.ofSeconds(15));
            Thread.sleep(200);

            assertThat(viaPolling).as("polling").isEqualTo(durable);
            assertThat(watch.webSocket()).as("WebSocket").isEqualTo(durable);
            assertThat(watch.sse()).as("SSE").isEqualTo(durable);
            List<String> names = durable.stream().map(line -> line.substring(line.indexOf(' ') + 1)).toList();
            CausalOrder.assertRunChannel(names);
            assertThat(Set.copyOf(names)).doesNotContain("?");
            return names;
        }
    }
}
