package io.agentworkspace.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.auth.Ability;
import io.agentworkspace.auth.TokenIssuance;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.EmbeddedApp;
import io.agentworkspace.support.EventCounts;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.workspace.Workspaces;

/**
 * The runs API over real HTTP on the embedded profile, with the script provider: a run streams to its console and
 * ends with its summary; the agent's tools stay inside the workspace whatever paths it names; cancel, retry, the
 * list and its filters, the queue view and its gauges; bad input and abilities.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.runs.queues.docs.concurrency=1", "agent.runs.max-output-bytes=2MB",
                "agent.runs.max-tool-calls=20"})
class RunApiIT {

    static Path dataDir;
    static Path scratch;
    static Path outside;
    static final String SECRET = "TOP-SECRET-" + UUID.randomUUID();

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        dataDir = EmbeddedApp.dataDir(registry, "runs-api-it");
    }

    @Autowired
    WebTestClient anonymous;
    @Autowired
    DataDirectory data;
    @Autowired
    Workspaces workspaces;
    @Autowired
    TokenIssuance issuance;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    WebTestClient http;
    static GitRepositories.Repo origin;
    static String projectId;

    @BeforeAll
    static void origin() throws Exception {
        scratch = Files.createTempDirectory("agent-runs-scratch");
        outside = Files.createDirectories(scratch.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        origin = GitRepositories.withCommits(scratch.resolve("origin"), 1);
        Files.createSymbolicLink(origin.path().resolve("escape"), outside);
        try (var git = org.eclipse.jgit.api.Git.open(origin.path().toFile())) {
            git.add().addFilepattern("escape").call();
            git.commit().setMessage("a link out").setAuthor("T", "t@example.com").setCommitter("T", "t@example.com")
                    .setSign(false).call();
        }
    }

    @BeforeEach
    void project() {
        anonymous = anonymous.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        http = AdminToken.authorize(anonymous, AdminToken.read(data.root()));
        if (projectId == null) {
            projectId = ProjectWorkspaces.registerAndClone(http, origin.path());
        }
    }

    /**
     * A billion characters asked for: the run stops at its output cap with a clear reason and the service answers
     * on; a run that calls tools past its cap fails the same way, its extra calls never executed.
     */
    @Test
    void outputAndToolCallsPastTheirCapsFailTheRunAndTheServiceStaysUp() {
        String flood = RunsApi.script(http, projectId, "agents-default", "emit 1000000000 x\nsay never reached");
        JsonNode flooded = RunsApi.awaitEnded(http, flood, Duration.ofSeconds(60));
        assertThat(flooded.get("state").asText()).isEqualTo("failed");
        assertThat(flooded.at("/summary/reason").asText()).startsWith("max-output:").contains("2097152");
        WebTestClient large = http.mutate().codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(64 << 20)).build();
        assertThat(RunsApi.streamedText(RunsApi.console(large, flood)).length()).isLessThanOrEqualTo(2 * 1024 * 1024);

        StringBuilder calls = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            calls.append("tool write_file {\"path\":\"calls/").append(i).append(".txt\",\"content\":\"x\"}\n");
        }
        String busy = RunsApi.script(http, projectId, "agents-default", calls.toString());
        JsonNode stopped = RunsApi.awaitEnded(http, busy, Duration.ofSeconds(60));
        assertThat(stopped.get("state").asText()).isEqualTo("failed");
        assertThat(stopped.at("/summary/reason").asText()).startsWith("max-tool-calls:");
        assertThat(workspaces.of(projectId).resolve("calls/20.txt")).exists();
        assertThat(workspaces.of(projectId).resolve("calls/21.txt")).doesNotExist();

        http.get().uri("/api/runs/" + flood).exchange().expectStatus().isOk();
        assertThat(RunsApi.awaitEnded(http, RunsApi.script(http, projectId, "agents-default", "say still here"),
                Duration.ofSeconds(30)).get("state").asText()).isEqualTo("succeeded");
    }

    @Test
    void aScriptRunStreamsInOrderToItsConsoleAndEndsWithItsSummary() throws Exception {
        String runId = RunsApi.script(http, projectId, "agents-default", """
                say Hello from the script provider
                tool write_file {"path":"notes/hello.txt","content":"hi there\\n"}
                tool read_file {"path":"notes/hello.txt"}
                emit 25000 é
                usage 1200 300
                say done
                """);
        JsonNode run = RunsApi.awaitEnded(http, runId, Duration.ofSeconds(30));
        assertThat(run.get("state").asText()).isEqualTo("succeeded");
        JsonNode summary = run.get("summary");
        assertThat(summary.get("inputTokens").asLong()).isEqualTo(1200);
        assertThat(summary.get("outputTokens").asLong()).isEqualTo(300);
        assertThat(summary.get("toolCalls").asInt()).isEqualTo(2);
        assertThat(summary.get("filesChanged").toString()).isEqualTo("[\"notes/hello.txt\"]");
        assertThat(run.get("fencingToken").asLong()).isPositive();
        assertThat(run.get("waitMs").asLong()).as("from the last queueing to the start").isEqualTo(Duration.between(
                java.time.Instant.parse(run.get("lastQueuedAt").asText()),
                java.time.Instant.parse(run.get("startingAt").asText())).toMillis());
        assertThat(Files.readString(workspaces.of(projectId).resolve("notes/hello.txt"))).isEqualTo("hi there\n");

        List<JsonNode> events = RunsApi.awaitConsole(http, runId, "run.succeeded");
        assertThat(RunsApi.streamedText(events))
                .isEqualTo("Hello from the script provider\n" + "é".repeat(25000) + "done\n");
        assertThat(events).filteredOn(e -> e.get("event").asText().equals("run.output")).hasSizeGreaterThan(3)
                .allSatisfy(e -> assertThat(e.get("data").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                        .isLessThanOrEqualTo(10240));
        List<String> names = RunsApi.names(events);
        assertThat(names).contains("run.queued", "run.starting", "run.started", "run.tool-call", "run.tool-result");
        assertThat(names.get(names.size() - 1)).isEqualTo("run.succeeded");
        assertThat(names.lastIndexOf("run.output")).isLessThan(names.indexOf("run.succeeded"));
        JsonNode read = events.stream().filter(e -> e.get("event").asText().equals("run.tool-result")).toList().get(1);
        assertThat(read.get("data").get("output").asText()).isEqualTo("hi there\n");
    }

    @Test
    void theAgentsToolsStayInsideTheWorkspace() throws Exception {
        Path workspace = workspaces.of(projectId);
        List<String> hostile = List.of("../escaped.txt", "/tmp/escaped-abs.txt", "escape/written.txt",
                "notes/../../escaped2.txt", ".git/hooks/pre-commit", "a\\u0000b.txt", "%2e%2e/escaped3.txt",
                "~/escaped4.txt", "escape");
        StringBuilder script = new StringBuilder();
        for (String path : hostile) {
            script.append("tool write_file {\"path\":\"").append(path).append("\",\"content\":\"pwned\"}\n");
        }
        script.append("tool read_file {\"path\":\"escape/secret.txt\"}\n");
        script.append("tool read_file {\"path\":\"../outside/secret.txt\"}\n");
        script.append("tool list_directory {\"path\":\"escape\"}\n");
        script.append("tool search_text {\"query\":\"outside\",\"path\":\"escape\"}\n");
        script.append("tool write_file {\"path\":\"inside/ok.txt\",\"content\":\"fine\"}\n");
        script.append("tool run_shell {\"command\":\"id\"}\n");
        String runId = RunsApi.script(http, projectId, "agents-default", script.toString());
        JsonNode run = RunsApi.awaitEnded(http, runId, Duration.ofSeconds(30));
        assertThat(run.get("state").asText()).isEqualTo("succeeded");
        assertThat(run.get("summary").get("filesChanged").toString()).isEqualTo("[\"inside/ok.txt\"]");

        List<JsonNode> results = RunsApi.awaitConsole(http, runId, "run.succeeded").stream()
                .filter(e -> e.get("event").asText().equals("run.tool-result")).map(e -> e.get("data")).toList();
        assertThat(results).hasSize(hostile.size() + 6);
        for (int i = 0; i < hostile.size() + 4; i++) {
            assertThat(results.get(i).get("ok").asBoolean()).as("call %d refused: %s", i, results.get(i)).isFalse();
            assertThat(results.get(i).get("output").asText()).doesNotContain(SECRET).doesNotContain(scratch.toString());
        }
        assertThat(results.get(hostile.size() + 4).get("ok").asBoolean()).isTrue();
        assertThat(results.get(hostile.size() + 5).get("output").asText()).startsWith("unknown-tool");
        assertThat(results.get(0).get("output").asText()).startsWith("path-traversal");
        assertThat(results.get(1).get("output").asText()).startsWith("absolute-path");
        assertThat(results.get(2).get("output").asText()).startsWith("path-outside-workspace");
        assertThat(results.get(4).get("output").asText()).startsWith("path-in-git-directory");
        assertThat(results.get(5).get("output").asText()).startsWith("invalid-path");

        try (Stream<Path> files = Files.walk(outside)) {
            assertThat(files.filter(Files::isRegularFile).toList()).containsExactly(outside.resolve("secret.txt"));
        }
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo(SECRET);
        assertThat(scratch.resolve("escaped.txt")).doesNotExist();
        assertThat(Path.of("/tmp/escaped-abs.txt")).doesNotExist();
        assertThat(workspace.getParent().resolve("escaped2.txt")).doesNotExist();
        assertThat(workspace.resolve(".git/hooks/pre-commit")).doesNotExist();
        assertThat(Files.readString(workspace.resolve("inside/ok.txt"))).isEqualTo("fine");
    }

    @Test
    void aRunningRunIsCancelledWithinASecondAndAQueuedOneAtOnce() {
        String blocker = RunsApi.script(http, projectId, "docs", "say waiting\nsleep 30000\nsay never");
        RunsApi.awaitState(http, blocker, Duration.ofSeconds(20), Set.of("running"));
        String queued = RunsApi.script(http, projectId, "docs", "say queued behind the blocker");
        RunsApi.awaitState(http, queued, Duration.ofSeconds(10), Set.of("queued"));
        JsonNode cancelledQueued = http.post().uri("/api/runs/" + queued + "/cancel").exchange().expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(cancelledQueued.get("state").asText()).isEqualTo("cancelled");

        long asked = System.nanoTime();
        JsonNode cancelling = http.post().uri("/api/runs/" + blocker + "/cancel").exchange().expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(cancelling.get("state").asText()).isEqualTo("cancelling");
        JsonNode run = RunsApi.awaitEnded(http, blocker, Duration.ofSeconds(5));
        long tookMs = (System.nanoTime() - asked) / 1_000_000;
        assertThat(run.get("state").asText()).isEqualTo("cancelled");
        assertThat(run.get("summary").get("reason").asText()).isEqualTo("cancelled by request");
        assertThat(tookMs).as("cancel to recorded cancellation, ms").isLessThan(1000);
        assertThat(RunsApi.streamedText(RunsApi.console(http, blocker))).doesNotContain("never");
        assertThat(RunsApi.get(http, queued).get("state").asText()).isEqualTo("cancelled");

        http.post().uri("/api/runs/" + blocker + "/cancel").exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/run-finished");
        JsonNode retried = http.post().uri("/api/runs/" + queued + "/retry").exchange().expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        JsonNode retry = RunsApi.awaitEnded(http, retried.get("id").asText(), Duration.ofSeconds(20));
        assertThat(retry.get("state").asText()).isEqualTo("succeeded");
        assertThat(retry.get("retryOf").asText()).isEqualTo(queued);
        assertThat(retry.get("prompt").asText()).isEqualTo("say queued behind the blocker");
    }

    @Test
    void limitsEndRunsInTheirStates() {
        Map<String, Object> slow = RunsApi.body(projectId, "agents-default", "script", "script", "say slow\nsleep 20000");
        slow.put("limits", Map.of("timeoutSeconds", 1));
        String timedOut = RunsApi.start(http, slow);
        Map<String, Object> greedy = RunsApi.body(projectId, "agents-default", "script", "script",
                "usage 900 200\nsleep 5000\nsay never");
        greedy.put("limits", Map.of("maxTokens", 1000));
        String overBudget = RunsApi.start(http, greedy);
        String failing = RunsApi.script(http, projectId, "agents-default", "say about to fail\nfail the script gave up");
        assertThat(RunsApi.awaitEnded(http, timedOut, Duration.ofSeconds(20)).get("state").asText()).isEqualTo("timed_out");
        JsonNode budget = RunsApi.awaitEnded(http, overBudget, Duration.ofSeconds(20));
        assertThat(budget.get("state").asText()).isEqualTo("failed");
        assertThat(budget.get("summary").get("reason").asText()).startsWith("max-tokens: used 1100 of 1000");
        JsonNode failed = RunsApi.awaitEnded(http, failing, Duration.ofSeconds(20));
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("summary").get("reason").asText()).isEqualTo("the script gave up");
    }

    @Test
    void theListFiltersAndPagesAndTheQueueViewAndGaugesAgree() {
        double succeededBefore = ended("succeeded");
        double failedBefore = ended("failed");
        long waitsBefore = meters.get("agent.runs.wait").tag("queue", "rag-index").timer().count();
        String a = RunsApi.script(http, projectId, "rag-index", "say a");
        String b = RunsApi.script(http, projectId, "rag-index", "fail b fails");
        RunsApi.awaitEnded(http, a, Duration.ofSeconds(20));
        RunsApi.awaitEnded(http, b, Duration.ofSeconds(20));
        JsonNode page = http.get().uri("/api/runs?queue=rag-index&project=" + projectId + "&limit=1").exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(page.get("total").asLong()).isEqualTo(2);
        assertThat(page.get("items")).hasSize(1);
        assertThat(page.get("items").get(0).get("id").asText()).isEqualTo(b);
        assertThat(page.get("items").get(0).get("prompt").isNull()).isTrue();
        JsonNode failedOnly = http.get().uri("/api/runs?state=failed&queue=rag-index").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(failedOnly.get("items").findValuesAsText("id")).containsExactly(b);

        JsonNode queues = http.get().uri("/api/queues").exchange().expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        assertThat(queues.get("queues").findValuesAsText("name"))
                .containsExactly("agents-default", "agents-long", "rag-index", "docs");
        JsonNode rag = queues.get("queues").get(2);
        assertThat(rag.get("concurrency").asInt()).isEqualTo(1);
        assertThat(rag.get("pending").asLong()).isZero();
        assertThat(rag.get("running").asLong()).isZero();
        assertThat(rag.get("failuresLastHour").asLong()).isEqualTo(1);
        assertThat(rag.get("throughputPerMinute").asDouble()).isEqualTo(0.4);
        assertThat(rag.get("waitP50Ms").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(rag.get("waitP95Ms").asLong()).isGreaterThanOrEqualTo(rag.get("waitP50Ms").asLong());

        // Prometheus shape (agent_runs_*; the test context exports no scrape endpoint): counters of ended runs by
        // state and a histogram of waits, for rate() and histogram_quantile() in queries; state as gauges
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(ended("succeeded") - succeededBefore).isEqualTo(1.0);
            assertThat(ended("failed") - failedBefore).isEqualTo(1.0);
            assertThat(meters.get("agent.runs.wait").tag("queue", "rag-index").timer().count() - waitsBefore)
                    .isEqualTo(2);
            assertThat(meters.get("agent.runs.pending").tag("queue", "rag-index").gauge().value()).isZero();
            assertThat(meters.get("agent.runs.running").tag("queue", "rag-index").gauge().value()).isZero();
        });
        assertThat(meters.find("agent.runs.wait").tag("quantile", "0.95").meter()).as("no quantile gauges").isNull();
        assertThat(meters.find("agent.runs.throughput.per.minute").meter()).as("no window gauges").isNull();
    }

    private double ended(String state) {
        return meters.get("agent.runs.ended").tag("queue", "rag-index").tag("state", state).counter().count();
    }

    @Test
    void badInputIsAProblemAndWritesNothing() {
        long events = runEvents();
        String unknownProject = UUID.randomUUID().toString();
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {with("projectId", unknownProject), 400, "unknown-project"});
        cases.add(new Object[] {with("projectId", "not-a-uuid"), 400, "invalid-project-id"});
        cases.add(new Object[] {with("queue", "horizon"), 400, "unknown-queue"});
        cases.add(new Object[] {with("provider", "gemini"), 400, "unknown-provider"});
        cases.add(new Object[] {with("prompt", ""), 400, "validation-failed"});
        cases.add(new Object[] {with("prompt", "   \n "), 400, "validation-failed"});
        cases.add(new Object[] {with("prompt", "x".repeat(100_001)), 400, "validation-failed"});
        cases.add(new Object[] {with("model", "gpt 4; rm -rf /"), 400, "validation-failed"});
        cases.add(new Object[] {with("model", "--dangerously-skip-permissions"), 400, "validation-failed"});
        cases.add(new Object[] {with("onInterrupt", "ignore"), 400, "validation-failed"});
        cases.add(new Object[] {with("limits", Map.of("timeoutSeconds", -1)), 400, "validation-failed"});
        cases.add(new Object[] {with("limits", Map.of("timeoutSeconds", 0)), 400, "validation-failed"});
        cases.add(new Object[] {with("limits", Map.of("timeoutSeconds", 999_999_999)), 400, "validation-failed"});
        cases.add(new Object[] {with("limits", Map.of("maxTokens", -5)), 400, "validation-failed"});
        cases.add(new Object[] {with("limits", Map.of("maxTokens", 100_000_000_000L)), 400, "validation-failed"});
        cases.add(new Object[] {with("limits", Map.of("maxCostUsd", -0.5)), 400, "validation-failed"});
        cases.add(new Object[] {with("limits", Map.of("maxCostUsd", 1e9)), 400, "validation-failed"});
        cases.add(new Object[] {with("limits", Map.of("maxTokens", "lots")), 400, "malformed-request"});
        cases.add(new Object[] {with("prompt", 42), 400, "malformed-request"});
        cases.add(new Object[] {with("apiKey", "sk-should-never-be-accepted"), 400, "malformed-request"});
        for (Object[] c : cases) {
            http.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON).bodyValue(c[0]).exchange()
                    .expectStatus().isEqualTo((Integer) c[1])
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("/problems/" + c[2]);
        }
        http.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON).bodyValue("{not json").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.type").isEqualTo("/problems/malformed-request");
        http.post().uri("/api/runs").contentType(MediaType.TEXT_PLAIN).bodyValue("say hi").exchange()
                .expectStatus().isEqualTo(415);
        http.get().uri("/api/runs/nope").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-run-id");
        http.get().uri("/api/runs/" + unknownProject).exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/run-not-found");
        http.post().uri("/api/runs/" + unknownProject + "/cancel").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/run-not-found");
        http.post().uri("/api/runs/" + unknownProject + "/retry").exchange().expectStatus().isNotFound();
        http.get().uri("/api/runs?state=sleeping").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/unknown-state");
        http.get().uri("/api/runs?queue=default").exchange().expectStatus().isBadRequest();
        http.get().uri("/api/runs?project=x").exchange().expectStatus().isBadRequest();
        http.get().uri("/api/runs?limit=0").exchange().expectStatus().isBadRequest();
        assertThat(runEvents()).isEqualTo(events);
    }

    @Test
    void everyEndpointNeedsATokenWithTheRightAbility() {
        String reader = ProjectWorkspaces.token(issuance, Ability.RUNS_READ);
        String writerWithoutRead = ProjectWorkspaces.token(issuance, Ability.RUNS_WRITE);
        String other = ProjectWorkspaces.token(issuance, Ability.PROJECTS_READ);
        String id = UUID.randomUUID().toString();
        Map<String, Object> body = RunsApi.body(projectId, "agents-default", "script", "script", "say hi");
        for (String path : List.of("/api/runs", "/api/runs/" + id, "/api/queues")) {
            anonymous.get().uri(path).exchange().expectStatus().isUnauthorized();
            AdminToken.authorize(anonymous, other).get().uri(path).exchange().expectStatus().isForbidden()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
            AdminToken.authorize(anonymous, writerWithoutRead).get().uri(path).exchange().expectStatus().isForbidden();
        }
        AdminToken.authorize(anonymous, reader).get().uri("/api/queues").exchange().expectStatus().isOk();
        anonymous.post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isUnauthorized();
        for (String path : List.of("/api/runs/" + id + "/cancel", "/api/runs/" + id + "/retry")) {
            anonymous.post().uri(path).exchange().expectStatus().isUnauthorized();
            AdminToken.authorize(anonymous, reader).post().uri(path).exchange().expectStatus().isForbidden()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
        AdminToken.authorize(anonymous, reader).post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isForbidden();
        AdminToken.authorize(anonymous, writerWithoutRead).post().uri("/api/runs").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isAccepted();
    }

    private Map<String, Object> with(String field, Object value) {
        Map<String, Object> body = new HashMap<>(RunsApi.body(projectId, "agents-default", "script", "script", "say hi"));
        body.put(field, value);
        return body;
    }

    /** Run events only: the RAG index that follows the clone appends events of its own at any time. */
    private long runEvents() {
        return EventCounts.inPackage(jdbc, "io.agentworkspace.run");
    }
}
