package io.agentworkspace.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.infrastructure.redis.RedisDatabase;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.TestServices;
import io.agentworkspace.workspace.Workspaces;

/**
 * Dispatch on the production profile (MariaDB, Redis locks in db 3): 20 runs of one project spread over the four
 * queues never overlap in its workspace (fencing tokens grow in start order, each run ends before the next starts,
 * the workspace's own log shows no interleaving), while runs of different projects run side by side up to each
 * queue's concurrency.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.runs.queues.agents-default.concurrency=3", "agent.runs.queues.docs.concurrency=2"})
@ActiveProfiles("mysql")
class RunConcurrencyIT {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        MySqlProfile.register(registry, TestServices.createDatabase(), Files.createTempDirectory("agent-runs-concurrency-it"));
    }

    @Autowired
    WebTestClient anonymous;
    @Autowired
    DataDirectory data;
    @Autowired
    Workspaces workspaces;
    @Autowired
    @Qualifier("locks")
    RedisDatabase locks;

    WebTestClient http;
    static Path origin;

    @BeforeEach
    void setUp() throws Exception {
        http = AdminToken.authorize(anonymous.mutate().responseTimeout(Duration.ofSeconds(30)).build(),
                AdminToken.read(data.root()));
        if (origin == null) {
            origin = GitRepositories.withCommits(Files.createTempDirectory("agent-runs-concurrency-origin"), 1).path();
        }
    }

    record Span(String runId, String queue, long token, Instant starting, Instant finished) {
    }

    @Test
    void twentyRunsOfOneProjectAcrossTheQueuesNeverOverlap() throws Exception {
        String projectId = ProjectWorkspaces.registerAndClone(http, origin);
        List<String> queues = List.of("agents-default", "agents-long", "rag-index", "docs");
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            runIds.add(RunsApi.script(http, projectId, queues.get(i % 4), """
                    tool write_file {"path":"fence.log","content":"begin %1$d\\n","append":true}
                    sleep 40
                    tool write_file {"path":"fence.log","content":"end %1$d\\n","append":true}
                    """.formatted(i)));
        }
        List<Span> spans = new ArrayList<>();
        for (String runId : runIds) {
            JsonNode run = RunsApi.awaitEnded(http, runId, Duration.ofSeconds(90));
            assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
            spans.add(new Span(runId, run.get("queue").asText(), run.get("fencingToken").asLong(),
                    Instant.parse(run.get("startingAt").asText()), Instant.parse(run.get("finishedAt").asText())));
        }
        spans.sort(Comparator.comparing(Span::starting));
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i).token()).as("fencing tokens grow in start order").isGreaterThan(spans.get(i - 1).token());
            assertThat(spans.get(i - 1).finished()).as("run %s ends before %s starts", spans.get(i - 1).runId(),
                    spans.get(i).runId()).isBeforeOrEqualTo(spans.get(i).starting());
        }
        assertThat(spans.stream().map(Span::queue).distinct()).hasSize(4);

        List<String> lines = Files.readAllLines(workspaces.of(projectId).resolve("fence.log"));
        assertThat(lines).hasSize(40);
        for (int i = 0; i < lines.size(); i += 2) {
            String n = lines.get(i).substring("begin ".length());
            assertThat(lines.get(i)).startsWith("begin ");
            assertThat(lines.get(i + 1)).as("no other run wrote between begin and end of run " + n).isEqualTo("end " + n);
        }
        assertThat(locks.commands().exists("workspace:lock:" + projectId).block()).as("lock free").isZero();
    }

    @Test
    void runsOfDifferentProjectsRunInParallelUpToEachQueuesConcurrency() {
        Map<String, List<String>> runsByQueue = new HashMap<>();
        List<String> projects = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            projects.add(ProjectWorkspaces.registerAndClone(http, origin));
        }
        for (int i = 0; i < 10; i++) {
            String queue = i < 6 ? "agents-default" : "docs";
            runsByQueue.computeIfAbsent(queue, q -> new ArrayList<>())
                    .add(RunsApi.script(http, projects.get(i), queue, "say working\nsleep 3000\nsay done"));
        }
        Map<String, Integer> expected = Map.of("agents-default", 3, "docs", 2);
        for (var queue : runsByQueue.entrySet()) {
            List<Span> spans = new ArrayList<>();
            for (String runId : queue.getValue()) {
                JsonNode run = RunsApi.awaitEnded(http, runId, Duration.ofSeconds(60));
                assertThat(run.get("state").asText()).isEqualTo("succeeded");
                spans.add(new Span(runId, queue.getKey(), run.get("fencingToken").asLong(),
                        Instant.parse(run.get("startingAt").asText()), Instant.parse(run.get("finishedAt").asText())));
            }
            assertThat(maxOverlap(spans)).as("runs of " + queue.getKey() + " at once")
                    .isEqualTo(expected.get(queue.getKey()));
        }
    }

    /** The largest number of spans running at one instant. */
    static int maxOverlap(List<Span> spans) {
        List<long[]> edges = new ArrayList<>();
        for (Span span : spans) {
            edges.add(new long[] {span.starting().toEpochMilli() * 1000 + span.starting().getNano() / 1000 % 1000, 1});
            edges.add(new long[] {span.finished().toEpochMilli() * 1000 + span.finished().getNano() / 1000 % 1000, -1});
        }
        edges.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        int current = 0;
        int max = 0;
        for (long[] edge : edges) {
            current += (int) edge[1];
            max = Math.max(max, current);
        }
        return max;
    }
}
