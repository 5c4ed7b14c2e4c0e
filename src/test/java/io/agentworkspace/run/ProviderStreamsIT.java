package io.agentworkspace.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.AgentProcesses;
import io.agentworkspace.support.EmbeddedApp;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.LeakCanaries;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.SuiteSettings;
import io.agentworkspace.workspace.Workspaces;

/**
 * The three real providers against local servers speaking their wire formats from recorded event sequences (tool
 * calls, an error event, a 429 with Retry-After, an abrupt disconnect) and a fake {@code claude} printing
 * stream-json: the console shows the streamed text in order, each run ends in the right state with its usage,
 * cancellation reaches the stream or process within a second, and the provider key comes from the secret store,
 * rotates, and shows up nowhere.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.runs.retry.initial-backoff=50ms", "agent.runs.retry.max-backoff=5s"})
@ExtendWith(OutputCaptureExtension.class)
class ProviderStreamsIT {

    static final WireServer OPENAI = new WireServer();
    static final WireServer ANTHROPIC = new WireServer();
    static Path dataDir;
    static FakeClaude claude;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        dataDir = EmbeddedApp.dataDir(registry, "providers-it");
        claude = FakeClaude.create(Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-claude")));
        registry.add("agent.runs.providers.openai.base-url", OPENAI::baseUrl);
        registry.add("agent.runs.providers.anthropic.base-url", ANTHROPIC::baseUrl);
        registry.add("agent.runs.providers.claude-code.executable", () -> claude.executable.toString());
        // the fake records what it saw beside itself: the one host path its sandbox lets it write
        registry.add("agent.runs.sandbox.writable-paths", () -> claude.record.toString());
        registry.add("agent.runs.providers.openai.api-key", () -> CONFIGURED_OPENAI_KEY);
    }

    @AfterAll
    static void stop() {
        OPENAI.close();
        ANTHROPIC.close();
    }

    @Autowired
    WebTestClient anonymous;
    @Autowired
    org.springframework.context.ApplicationContext context;
    @Autowired
    DataDirectory data;
    @Autowired
    Workspaces workspaces;
    @Autowired
    JdbcTemplate jdbc;

    WebTestClient http;
    static String projectId;
    static final String ANTHROPIC_KEY = LeakCanaries.register("sk-ant-test-only-" + UUID.randomUUID());
    /** Used only while the openai.api-key secret is not set. */
    static final String CONFIGURED_OPENAI_KEY = LeakCanaries.register("sk-configured-test-only-" + UUID.randomUUID());

    @BeforeEach
    void setUp() throws Exception {
        http = AdminToken.authorize(anonymous.mutate().responseTimeout(Duration.ofSeconds(30)).build(),
                AdminToken.read(data.root()));
        if (projectId == null) {
            projectId = ProjectWorkspaces.registerAndClone(http,
                    GitRepositories.withCommits(Files.createTempDirectory("agent-providers-origin"), 1).path());
            setSecret("openai.api-key", LeakCanaries.register("sk-openai-test-only-" + UUID.randomUUID()));
            setSecret("anthropic.api-key", ANTHROPIC_KEY);
        }
        OPENAI.clear();
        ANTHROPIC.clear();
    }

    @Test
    void openAiStreamsTextAndToolCallsAndEndsWithItsUsage() throws Exception {
        OPENAI.enqueue(WireServer.Reply.sse(WireServer.recorded("openai/tool-call.sse"), 5));
        OPENAI.enqueue(WireServer.Reply.sse(WireServer.recorded("openai/final.sse"), 5));
        String runId = RunsApi.start(http, RunsApi.body(projectId, "agents-default", "openai", "gpt-4.1", "Write a greeting."));
        JsonNode run = RunsApi.awaitEnded(http, runId, Duration.ofSeconds(30));
        assertThat(run.get("state").asText()).isEqualTo("succeeded");
        JsonNode summary = run.get("summary");
        assertThat(summary.get("inputTokens").asLong()).isEqualTo(812 + 900);
        assertThat(summary.get("outputTokens").asLong()).isEqualTo(64 + 20);
        assertThat(summary.get("costUsd").asDouble()).isEqualTo((1712 * 2.0 + 84 * 8.0) / 1_000_000);
        assertThat(summary.get("turns").asInt()).isEqualTo(2);
        assertThat(summary.get("filesChanged").toString()).isEqualTo("[\"src/openai.txt\"]");
        assertThat(Files.readString(workspaces.of(projectId).resolve("src/openai.txt"))).isEqualTo("Hello from OpenAI\n");
        List<JsonNode> console = RunsApi.awaitConsole(http, runId, "run.succeeded");
        assertThat(RunsApi.streamedText(console))
                .isEqualTo("I'll write the file — ünïcödé and \"quotes\".\nDone: src/openai.txt says hello.");

        List<WireServer.Request> requests = OPENAI.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).path).isEqualTo("/v1/responses");
        JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(requests.get(0).body);
        assertThat(first.get("stream").asBoolean()).isTrue();
        assertThat(first.get("model").asText()).isEqualTo("gpt-4.1");
        assertThat(first.get("tools").findValuesAsText("name")).contains("read_file", "write_file", "git_commit");
        JsonNode second = new com.fasterxml.jackson.databind.ObjectMapper().readTree(requests.get(1).body);
        JsonNode input = second.get("input");
        assertThat(input.get(input.size() - 2).get("type").asText()).isEqualTo("function_call");
        assertThat(input.get(input.size() - 1).get("type").asText()).isEqualTo("function_call_output");
        assertThat(input.get(input.size() - 1).get("call_id").asText()).isEqualTo("call_Xk2");
    }

    @Test
    void openAiRetriesA429AfterItsRetryAfterAndEndsFailedOnAnErrorEventOrACutStream() {
        OPENAI.enqueue(WireServer.Reply.status(429, Map.of("Retry-After", "1"),
                "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"));
        OPENAI.enqueue(WireServer.Reply.sse(WireServer.recorded("openai/final.sse"), 5));
        String retried = RunsApi.start(http, RunsApi.body(projectId, "agents-default", "openai", "gpt-4.1", "Again."));
        assertThat(RunsApi.awaitEnded(http, retried, Duration.ofSeconds(30)).get("state").asText()).isEqualTo("succeeded");
        List<WireServer.Request> attempts = OPENAI.requests();
        assertThat(attempts).hasSize(2);
        assertThat((attempts.get(1).receivedAtNanos - attempts.get(0).receivedAtNanos) / 1_000_000)
                .as("waited for Retry-After, ms").isBetween(950L, 4000L);

        OPENAI.enqueue(WireServer.Reply.sse(WireServer.recorded("openai/error.sse"), 5));
        String errored = RunsApi.start(http, RunsApi.body(projectId, "agents-default", "openai", "gpt-4.1", "Fail."));
        JsonNode failed = RunsApi.awaitEnded(http, errored, Duration.ofSeconds(30));
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("summary").get("reason").asText())
                .isEqualTo("the provider reported an error: server_error: The server had an error while processing your request.");
        assertThat(RunsApi.streamedText(RunsApi.awaitConsole(http, errored, "run.failed"))).isEqualTo("Working on it");

        OPENAI.enqueue(WireServer.Reply.sse(WireServer.recorded("openai/failed.sse"), 5));
        String flagged = RunsApi.start(http, RunsApi.body(projectId, "agents-default", "openai", "gpt-4.1", "Flag."));
        JsonNode flaggedRun = RunsApi.awaitEnded(http, flagged, Duration.ofSeconds(30));
        assertThat(flaggedRun.get("summary").get("reason").asText()).contains("invalid_prompt: The prompt was flagged.");
        assertThat(flaggedRun.get("summary").get("inputTokens").asLong()).isEqualTo(50);

        OPENAI.enqueue(WireServer.Reply.cutOffAfter(WireServer.recorded("openai/cut.sse"), 5));
        String cut = RunsApi.start(http, RunsApi.body(projectId, "agents-default", "openai", "gpt-4.1", "Break."));
        JsonNode broken = RunsApi.awaitEnded(http, cut, Duration.ofSeconds(30));
        assertThat(broken.get("state").asText()).isEqualTo("failed");
        assertThat(broken.get("summary").get("reason").asText()).containsAnyOf("broke off", "ended before the response completed");
        assertThat(RunsApi.streamedText(RunsApi.awaitConsole(http, cut, "run.failed"))).isEqualTo("This stream will break off");
        assertThat(OPENAI.requests()).as("no retry once a stream has delivered").hasSize(5);

        OPENAI.enqueue(WireServer.Reply.status(401, Map.of(), "{\"error\":{\"message\":\"Incorrect API key provided\"}}"));
        String refused = RunsApi.start(http, RunsApi.body(projectId, "agents-default", "openai", "gpt-4.1", "No."));
        JsonNode unauthorized = RunsApi.awaitEnded(http, refused, Duration.ofSeconds(30));
        assertThat(unauthorized.get("summary").get("reason").asText())
                .isEqualTo("HTTP 401 from the provider: Incorrect API key provided");
        assertThat(OPENAI.requests()).as("a 401 is not retried").hasSize(6);
    }

    @Test
    void anthropicConcatenatesToolInputAndCountsUsageAcrossTurns() {
        ANTHROPIC.enqueue(WireServer.Reply.status(529, Map.of("retry-after", "1"),
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        ANTHROPIC.enqueue(WireServer.Reply.sse(WireServer.recorded("anthropic/tool-use.sse"), 5));
        ANTHROPIC.enqueue(WireServer.Reply.sse(WireServer.recorded("anthropic/final.sse"), 5));
        String runId = RunsApi.start(http, RunsApi.body(projectId, "agents-default", "anthropic", "claude-sonnet-4-5",
                "Write a greeting."));
        JsonNode run = RunsApi.awaitEnded(http, runId, Duration.ofSeconds(30));
        assertThat(run.get("state").asText()).isEqualTo("succeeded");
        assertThat(run.get("summary").get("inputTokens").asLong()).isEqualTo(640 + 780);
        assertThat(run.get("summary").get("outputTokens").asLong()).isEqualTo(89 + 25);
        assertThat(RunsApi.streamedText(RunsApi.awaitConsole(http, runId, "run.succeeded")))
                .isEqualTo("Let me write it — ünïcödé.\nWritten src/anthropic.txt.");
        List<WireServer.Request> requests = ANTHROPIC.requests();
        assertThat(requests).hasSize(3);
        assertThat((requests.get(1).receivedAtNanos - requests.get(0).receivedAtNanos) / 1_000_000).isGreaterThanOrEqualTo(950);
        assertThat(requests.get(1).header("x-api-key")).isEqualTo(ANTHROPIC_KEY);
        assertThat(requests.get(1).header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(requests.get(2).body).contains("\"tool_result\"").contains("\"tool_use_id\":\"toolu_01T1\"");
        assertThat(workspaces.of(projectId).resolve("src/anthropic.txt")).hasContent("Hello from Claude\n");

        ANTHROPIC.enqueue(WireServer.Reply.sse(WireServer.recorded("anthropic/error.sse"), 5));
        String errored = RunsApi.start(http, RunsApi.body(projectId, "agents-default", "anthropic", "claude-sonnet-4-5", "x"));
        JsonNode failed = RunsApi.awaitEnded(http, errored, Duration.ofSeconds(30));
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("summary").get("reason").asText())
                .isEqualTo("the provider reported an error: overloaded_error: Overloaded");

        ANTHROPIC.enqueue(WireServer.Reply.cutOffAfter(WireServer.recorded("anthropic/cut.sse"), 5));
        String cut = RunsApi.start(http, RunsApi.body(projectId, "agents-default", "anthropic", "claude-sonnet-4-5", "y"));
        JsonNode broken = RunsApi.awaitEnded(http, cut, Duration.ofSeconds(30));
        assertThat(broken.get("state").asText()).isEqualTo("failed");
        assertThat(RunsApi.streamedText(RunsApi.awaitConsole(http, cut, "run.failed"))).isEqualTo("Half a sent");
    }

    @Test
    void cancellingAStreamingRunClosesTheConnectionWithinASecond() {
        List<String> slow = new ArrayList<>();
        slow.add(WireServer.recorded("openai/final.sse").get(0));
        for (int i = 0; i < 200; i++) {
            slow.add("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":"
                    + (i + 1) + ",\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,\"delta\":\"tick " + i + " \"}\n\n");
        }
        OPENAI.enqueue(WireServer.Reply.sse(slow, 100));
        String runId = RunsApi.start(http, RunsApi.body(projectId, "agents-default", "openai", "gpt-4.1", "Go slowly."));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> RunsApi.streamedText(RunsApi.console(http, runId)).contains("tick 3 "));
        long asked = System.nanoTime();
        http.post().uri("/api/runs/" + runId + "/cancel").exchange().expectStatus().isAccepted();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2))
                .until(() -> OPENAI.requests().get(0).clientClosedAtNanos != 0);
        long closedMs = (OPENAI.requests().get(0).clientClosedAtNanos - asked) / 1_000_000;
        assertThat(closedMs).as("cancel to connection closed, ms").isLessThan(1000);
        JsonNode run = RunsApi.awaitEnded(http, runId, Duration.ofSeconds(5));
        assertThat(run.get("state").asText()).isEqualTo("cancelled");
        assertThat(RunsApi.names(RunsApi.awaitConsole(http, runId, "run.cancelled"))).contains("run.cancel-requested");
    }

    @Test
    void claudeCodeRunsAsAConfinedProcessAndReportsItsResult() {
        String runId = RunsApi.start(http, RunsApi.body(projectId, "agents-long", "claude-code", "claude-sonnet-4-5",
                "--dangerously-skip-permissions; rm -rf / # write docs"));
        JsonNode run = RunsApi.awaitEnded(http, runId, Duration.ofSeconds(30));
        assertThat(run.get("state").asText()).isEqualTo("succeeded");
        JsonNode summary = run.get("summary");
        assertThat(summary.get("inputTokens").asLong()).isEqualTo(1700);
        assertThat(summary.get("outputTokens").asLong()).isEqualTo(120);
        assertThat(summary.get("costUsd").asDouble()).isEqualTo(0.0123);
        assertThat(summary.get("filesChanged").toString()).isEqualTo("[\"docs/claude.md\"]");
        List<JsonNode> console = RunsApi.awaitConsole(http, runId, "run.succeeded");
        assertThat(RunsApi.streamedText(console)).isEqualTo("I will create the file.Done: docs/claude.md exists.");
        // lifecycle events reach the console through the bridge's processor, the stream directly from the worker:
        // only the stream's own order and the terminal event's place after it are guaranteed
        assertThat(RunsApi.names(console)).contains("run.started")
                .containsSubsequence("run.tool-call", "run.tool-result", "run.succeeded");

        assertThat(claude.recorded("args").split("\n")).containsExactly("-p", "--output-format", "stream-json",
                "--verbose", "--model", "claude-sonnet-4-5", "--max-turns", "50", "--permission-mode", "acceptEdits",
                "--setting-sources", "user", "--strict-mcp-config", "--allowedTools", "Read,Write,Edit,MultiEdit,Glob,Grep,LS", "--disallowedTools",
                "Bash,BashOutput,KillShell,WebFetch,WebSearch");
        assertThat(claude.recorded("prompt")).isEqualTo("--dangerously-skip-permissions; rm -rf / # write docs");
        assertThat(Path.of(claude.recorded("cwd"))).isEqualTo(realPath(workspaces.of(projectId)));
        String environment = claude.recorded("env");
        assertThat(environment).contains("ANTHROPIC_API_KEY_SHA256=" + sha256(ANTHROPIC_KEY))
                .doesNotContain("AGENT_").doesNotContain("master").doesNotContain("JAVA_HOME");
    }

    @Test
    void claudeCodeFailuresAndCancellationEndTheProcess() throws Exception {
        String failing = RunsApi.start(http, RunsApi.body(projectId, "agents-long", "claude-code", "claude-sonnet-4-5", "FAIL please"));
        JsonNode failed = RunsApi.awaitEnded(http, failing, Duration.ofSeconds(30));
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("summary").get("reason").asText()).startsWith("claude ended with error_max_turns");
        assertThat(failed.get("summary").get("costUsd").asDouble()).isEqualTo(0.002);

        String crashing = RunsApi.start(http, RunsApi.body(projectId, "agents-long", "claude-code", "claude-sonnet-4-5", "CRASH now"));
        JsonNode crashed = RunsApi.awaitEnded(http, crashing, Duration.ofSeconds(30));
        assertThat(crashed.get("summary").get("reason").asText()).isEqualTo("claude ended (exit code 3) before it reported a result");

        String slow = RunsApi.start(http, RunsApi.body(projectId, "agents-long", "claude-code", "claude-sonnet-4-5", "SLOW down"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> Files.exists(claude.record.resolve("child")) && !claude.recorded("child").isEmpty()
                        && RunsApi.streamedText(RunsApi.console(http, slow)).contains("I will create"));
        // the fake runs in its own pid namespace, so what it recorded are not host pids: find its tree from here
        List<ProcessHandle> tree = AgentProcesses.of(claude.executable);
        assertThat(tree).as("the sandbox, the script and its sleeping child").hasSizeGreaterThanOrEqualTo(3);
        long asked = System.nanoTime();
        http.post().uri("/api/runs/" + slow + "/cancel").exchange().expectStatus().isAccepted();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> AgentProcesses.allEnded(tree, claude.executable));
        assertThat((System.nanoTime() - asked) / 1_000_000).as("cancel to process tree gone, ms").isLessThan(1000);
        assertThat(RunsApi.awaitEnded(http, slow, Duration.ofSeconds(5)).get("state").asText()).isEqualTo("cancelled");
        Files.delete(claude.record.resolve("child"));
    }

    /**
     * The leak test of the secrets issue for runs: distinctive keys set, used by provider runs, rotated, erased;
     * then everything the API exposes, the whole database (event store included) and the logs hold none of them.
     * The values are leak canaries too, so the scanner searches the logs, captures and dumps for them after the suite.
     */
    @Test
    void theProviderKeyComesFromTheSecretStoreRotatesAndLeaksNowhere(CapturedOutput output) {
        String first = LeakCanaries.register("sk-proj-canary-" + UUID.randomUUID() + "-one");
        String second = LeakCanaries.register("sk-proj-canary-" + UUID.randomUUID() + "-two");
        setSecret("openai.api-key", first);
        OPENAI.enqueue(WireServer.Reply.sse(WireServer.recorded("openai/final.sse"), 1));
        String one = RunsApi.start(http, RunsApi.body(projectId, "agents-default", "openai", "gpt-4.1", "First key."));
        assertThat(RunsApi.awaitEnded(http, one, Duration.ofSeconds(30)).get("state").asText()).isEqualTo("succeeded");
        assertThat(OPENAI.requests().get(0).header("authorization")).isEqualTo("Bearer " + first);

        setSecret("openai.api-key", second);
        OPENAI.enqueue(WireServer.Reply.status(400, Map.of(),
                "{\"error\":{\"message\":\"Bad key " + second + " in request\"}}"));
        String two = RunsApi.start(http, RunsApi.body(projectId, "agents-default", "openai", "gpt-4.1", "Second key."));
        JsonNode refused = RunsApi.awaitEnded(http, two, Duration.ofSeconds(30));
        assertThat(OPENAI.requests().get(1).header("authorization")).isEqualTo("Bearer " + second);
        assertThat(refused.get("summary").get("reason").asText()).contains("[redacted]").doesNotContain(second);


        // erased: the configured key takes over until the secret is set again
        http.delete().uri("/api/secrets/openai.api-key").exchange().expectStatus().is2xxSuccessful();
        OPENAI.enqueue(WireServer.Reply.sse(WireServer.recorded("openai/final.sse"), 1));
        String three = RunsApi.start(http, RunsApi.body(projectId, "agents-default", "openai", "gpt-4.1", "Configured key."));
        assertThat(RunsApi.awaitEnded(http, three, Duration.ofSeconds(30)).get("state").asText()).isEqualTo("succeeded");
        assertThat(OPENAI.requests().get(2).header("authorization")).isEqualTo("Bearer " + CONFIGURED_OPENAI_KEY);
        setSecret("openai.api-key", LeakCanaries.register("sk-openai-test-only-" + UUID.randomUUID() + "-again"));

        StringBuilder exposed = new StringBuilder();
        for (String uri : List.of("/api/runs?limit=500", "/api/runs/" + one, "/api/runs/" + two, "/api/runs/" + three,
                "/api/queues", "/api/secrets", "/api/secrets/openai.api-key", "/api/secrets/anthropic.api-key",
                "/api/me", "/api/tokens", "/api/pairings", "/api/projects", "/api/projects/" + projectId,
                "/api/projects/" + projectId + "/workspace", "/api/projects/" + projectId + "/rag/runs")) {
            exposed.append(uri).append(' ').append(http.get().uri(uri).exchange().expectBody(String.class)
                    .returnResult().getResponseBody()).append('\n');
        }
        exposed.append(SuiteSettings.management(context).mutate()
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build()
                .get().uri("/actuator/prometheus").exchange().expectBody(String.class)
                .returnResult().getResponseBody());
        exposed.append(RunsApi.console(http, one)).append(RunsApi.console(http, two)).append(RunsApi.console(http, three));
        String database = databaseDump();
        assertThat(database).as("the dump holds the event store").contains("io.agentworkspace.run.RunSucceeded");
        for (String key : List.of(first, second, CONFIGURED_OPENAI_KEY)) {
            assertThat(exposed).doesNotContain(key);
            assertThat(database).doesNotContain(key);
            assertThat(output.getAll()).doesNotContain(key);
        }
    }

    /** Every row of every table of the schema, the event store's BLOBs as UTF-8 text. */
    private String databaseDump() {
        StringBuilder dump = new StringBuilder();
        String quote = jdbc.execute((org.springframework.jdbc.core.ConnectionCallback<String>) connection ->
                connection.getMetaData().getIdentifierQuoteString());
        for (String table : jdbc.queryForList("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                + "WHERE TABLE_SCHEMA = SCHEMA() AND TABLE_TYPE IN ('BASE TABLE', 'TABLE')", String.class)) {
            jdbc.query("SELECT * FROM " + quote + table + quote, rs -> {
                for (int column = 1; column <= rs.getMetaData().getColumnCount(); column++) {
                    Object value = rs.getObject(column);
                    dump.append(value instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                            : value instanceof java.sql.Blob blob ? new String(blob.getBytes(1, (int) blob.length()),
                            java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(value)).append('\t');
                }
                dump.append('\n');
            });
        }
        return dump.toString();
    }

    /**
     * Dead, or a zombie: an orphaned grandchild is reaped by PID 1, which on these VMs takes its time; a zombie runs
     * nothing and holds nothing.
     */
    private void setSecret(String name, String value) {
        http.put().uri("/api/secrets/" + name).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("value", value))
                .exchange().expectStatus().value(status -> assertThat(status).isIn(200, 201));
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path realPath(Path path) throws RuntimeException {
        try {
            return path.toRealPath();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
