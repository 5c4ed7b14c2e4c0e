package io.agentworkspace.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.OtlpCollector;
import io.agentworkspace.support.OtlpCollector.ReceivedSpan;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.RunningApp;
import io.agentworkspace.support.TestServices;

/**
 * Traces end to end on two nodes (MariaDB + Redis), exported over OTLP/HTTP to a local collector that decodes the
 * protobuf payloads: a script run submitted to node A is one trace from the HTTP request through the command, the
 * append, the {@code runs} projection, the dispatch, the provider stream and a tool call to the console publish, and
 * node B's delivery of that console output to its subscriber joins the same trace. Problems and JSON log lines name
 * the trace.
 */
class TracingIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRunIsOneTraceFromTheRequestToTheDeliveryOnAnotherNode() throws Exception {
        String database = TestServices.createDatabase();
        Path logFile = Path.of("target", "json-logs", "tracing-it.json.log").toAbsolutePath();
        Files.deleteIfExists(logFile);
        try (OtlpCollector collector = OtlpCollector.start()) {
            Map<String, Object> shared = new HashMap<>(Map.of(
                    "management.otlp.tracing.endpoint", collector.endpoint(),
                    "management.tracing.sampling.probability", "1.0",
                    "management.tracing.opentelemetry.export.schedule-delay", "200ms",
                    "logging.structured.format.file", "ecs",
                    "logging.file.name", logFile.toString()));
            Map<String, Object> onA = new HashMap<>(shared);
            onA.put("management.opentelemetry.resource-attributes.node", "a");
            Map<String, Object> onB = new HashMap<>(shared);
            onB.put("management.opentelemetry.resource-attributes.node", "b");
            onB.put("agent.observability.trace-context-from", "127.0.0.1/32");
            // runs are dispatched by node A only, so node B's part is the delivery of A's console output
            onB.put("agent.runs.dispatch-enabled", "false");
            try (RunningApp a = RunningApp.start(database, Files.createTempDirectory("trace-node-a"), onA);
                 RunningApp b = RunningApp.start(database, Files.createTempDirectory("trace-node-b"), onB)) {
                String projectId = ProjectWorkspaces.registerAndClone(a.http(),
                        GitRepositories.withCommits(Files.createTempDirectory("traced-repo"), 1).path());
                String runId = RunsApi.script(a.http(), projectId, "agents-default", """
                        sleep 3000
                        say hello from a traced run
                        tool write_file {"path":"traced.txt","content":"traced"}
                        say done""");
                List<String> deliveredOnB = new CopyOnWriteArrayList<>();
                // node B has no bootstrap token of its own: the installation's (node A's) is valid there too
                WebTestClient onNodeB = AdminToken.authorize(WebTestClient.bindToServer().baseUrl("http://127.0.0.1:"
                                + b.bean(Environment.class).getRequiredProperty("local.server.port"))
                        .responseTimeout(Duration.ofSeconds(30)).build(),
                        AdminToken.read(a.bean(DataDirectory.class).root()));
                Disposable subscription = onNodeB.get().uri("/api/console/stream?channel=private-run." + runId)
                        .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isOk()
                        .returnResult(String.class).getResponseBody().subscribe(deliveredOnB::add);
                try {
                    assertThat(RunsApi.awaitEnded(a.http(), runId, Duration.ofSeconds(90)).get("state").asText())
                            .isEqualTo("succeeded");
                    await().atMost(Duration.ofSeconds(30)).until(() -> deliveredOnB.stream().anyMatch(
                            data -> data.contains("done")));
                } finally {
                    subscription.dispose();
                }

                ReceivedSpan request = await().atMost(Duration.ofSeconds(30)).until(() -> collector.spans().stream()
                        .filter(span -> span.parentSpanId().isEmpty() && "a".equals(span.node())
                                && span.name().contains("/api/runs") && span.name().toLowerCase().contains("post"))
                        .findFirst(), Optional::isPresent).orElseThrow();
                String traceId = request.traceId();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    List<ReceivedSpan> trace = collector.trace(traceId);
                    ReceivedSpan command = one(trace, named("command QueueRun"));
                    assertThat(command.parentSpanId()).isEqualTo(request.spanId());
                    ReceivedSpan append = one(trace, named("append RunQueued"));
                    assertThat(append.parentSpanId()).isEqualTo(command.spanId());
                    // a node that took the projection's segment over may have handled it too (its batch rolled back)
                    List<ReceivedSpan> projection = trace.stream().filter(named("runs RunQueued")).toList();
                    assertThat(projection).isNotEmpty().allSatisfy(handled -> {
                        assertThat(handled.parentSpanId()).isEqualTo(append.spanId());
                        assertThat(handled.attributes()).containsEntry("agent.processor", "runs");
                    });
                    ReceivedSpan dispatch = one(trace, named("run dispatch").and(span ->
                            "true".equals(span.attributes().get("agent.claimed"))));
                    assertThat(dispatch.parentSpanId()).isEqualTo(append.spanId());
                    assertThat(dispatch.attributes()).containsEntry("agent.run", runId);
                    ReceivedSpan attempt = one(trace, named("run attempt"));
                    assertThat(attempt.parentSpanId()).isEqualTo(dispatch.spanId());
                    ReceivedSpan stream = one(trace, named("provider stream script"));
                    assertThat(stream.parentSpanId()).isEqualTo(attempt.spanId());
                    ReceivedSpan tool = one(trace, named("tool write_file"));
                    assertThat(tool.parentSpanId()).isEqualTo(stream.spanId());
                    List<ReceivedSpan> publishes = trace.stream().filter(named("console publish")
                            .and(span -> span.parentSpanId().equals(stream.spanId()))).toList();
                    assertThat(publishes).as("console output published under the provider stream").isNotEmpty();
                    // the other node delivered the run's output to its subscriber, in the publisher's trace
                    List<ReceivedSpan> deliveriesOnB = trace.stream().filter(named("console deliver")
                            .and(span -> "b".equals(span.node()))).toList();
                    assertThat(deliveriesOnB).isNotEmpty();
                    assertThat(deliveriesOnB).allSatisfy(delivery -> assertThat(trace).anySatisfy(publish -> {
                        assertThat(publish.name()).isEqualTo("console publish");
                        assertThat(publish.node()).isEqualTo("a");
                        assertThat(publish.spanId()).isEqualTo(delivery.parentSpanId());
                    }));
                    // every link is intact: one root, every other span's parent is in the trace
                    assertThat(trace.stream().filter(span -> span.parentSpanId().isEmpty())).containsExactly(request);
                    assertThat(trace).allSatisfy(span -> assertThat(span.parentSpanId().isEmpty()
                            || trace.stream().anyMatch(parent -> parent.spanId().equals(span.parentSpanId())))
                            .as("parent of %s", span.name()).isTrue());
                });
                assertThat(collector.refusals()).isEmpty();

                // a problem names its trace, and that trace reaches the collector
                JsonNode problem = a.http().get().uri("/api/runs/" + java.util.UUID.randomUUID()).exchange()
                        .expectStatus().isNotFound().expectBody(JsonNode.class).returnResult().getResponseBody();
                String problemTrace = problem.path("traceId").asText();
                assertThat(problemTrace).matches("[0-9a-f]{32}");
                await().atMost(Duration.ofSeconds(30)).until(() -> !collector.trace(problemTrace).isEmpty());

                // a client's trace context starts no trace of its choosing (node A trusts no peer); node B continues
                // the trace of a peer it lists
                String chosen = "0af7651916cd43dd8448eb211c80319c";
                String traceparent = "00-" + chosen + "-b7ad6b7169203331-01";
                JsonNode fromClient = a.http().get().uri("/api/runs/" + java.util.UUID.randomUUID())
                        .header("traceparent", traceparent).exchange().expectStatus().isNotFound()
                        .expectBody(JsonNode.class).returnResult().getResponseBody();
                assertThat(fromClient.path("traceId").asText()).matches("[0-9a-f]{32}").isNotEqualTo(chosen);
                JsonNode fromListedPeer = onNodeB.get().uri("/api/runs/" + java.util.UUID.randomUUID())
                        .header("traceparent", traceparent).exchange().expectStatus().isNotFound()
                        .expectBody(JsonNode.class).returnResult().getResponseBody();
                assertThat(fromListedPeer.path("traceId").asText()).isEqualTo(chosen);

                // JSON log lines: every line is a JSON object; the run's lines carry its trace and run id
                List<JsonNode> lines = Files.readAllLines(logFile).stream().filter(line -> !line.isBlank())
                        .map(TracingIT::parse).toList();
                assertThat(lines).isNotEmpty();
                assertThat(lines).anySatisfy(line -> {
                    assertThat(line.toString()).contains(traceId);
                    assertThat(line.toString()).contains(runId);
                    assertThat(line.path("message").asText()).contains("run " + runId + " ended SUCCEEDED");
                });
            }
        }
    }

    private static JsonNode parse(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            assertThat(node.isObject()).as("a JSON object per line: %s", line).isTrue();
            return node;
        } catch (java.io.IOException notJson) {
            throw new AssertionError("not a JSON log line: " + line, notJson);
        }
    }

    private static Predicate<ReceivedSpan> named(String name) {
        return span -> span.name().equals(name);
    }

    private static ReceivedSpan one(List<ReceivedSpan> trace, Predicate<ReceivedSpan> which) {
        List<ReceivedSpan> found = trace.stream().filter(which).toList();
        assertThat(found).as("spans matching in %s", trace.stream().map(ReceivedSpan::name).toList()).hasSize(1);
        return found.get(0);
    }
}
