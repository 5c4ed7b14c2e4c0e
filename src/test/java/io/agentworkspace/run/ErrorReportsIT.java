package io.agentworkspace.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.LeakCanaries;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.RunningApp;
import io.agentworkspace.support.SentryServer;
import io.agentworkspace.support.TestServices;

/**
 * Error tracking against a local endpoint speaking Sentry's envelope protocol, and telemetry that cannot leave:
 * a deliberately failing run is reported with its release, environment and trace, and no secret or token the test
 * set appears anywhere in the envelope; an unreachable collector and Sentry, or a DSN that cannot be read, fail no
 * request and no run, are logged once and counted.
 */
class ErrorReportsIT {

    @Test
    void aFailedRunIsReportedWithReleaseAndTraceAndNothingSecret() throws Exception {
        String pusherSecret = LeakCanaries.register("pusher-" + UUID.randomUUID());
        String secretValue = LeakCanaries.register("sentry-canary-" + UUID.randomUUID());
        try (SentryServer sentry = SentryServer.start();
             RunningApp app = RunningApp.start(TestServices.createDatabase(), Files.createTempDirectory("sentry-it"),
                     Map.of("agent.observability.sentry.dsn", sentry.dsn(),
                             "agent.observability.sentry.environment", "it",
                             "agent.observability.sentry.release", "agent-workspace@it-release",
                             "agent.console.pusher.secret", pusherSecret))) {
            WebTestClient http = app.http();
            // a product token: the scanner looks for its format everywhere but in the file that hands it out
            String token = AdminToken.read(app.bean(DataDirectory.class).root());
            http.put().uri("/api/secrets/sentry.canary").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("value", secretValue)).exchange().expectStatus().is2xxSuccessful();
            String projectId = ProjectWorkspaces.registerAndClone(http,
                    GitRepositories.withCommits(Files.createTempDirectory("sentry-repo"), 1).path());
            String runId = RunsApi.script(http, projectId, "agents-default", """
                    say about to fail
                    tool read_file {"path":"file-1.txt"}
                    fail deliberately, for the error report""");
            assertThat(RunsApi.awaitEnded(http, runId, Duration.ofSeconds(90)).get("state").asText()).isEqualTo("failed");
            String traceparent = (String) app.bean(EventStore.class).readEvents(runId).next().getMetaData()
                    .get("traceparent");
            String traceId = traceparent.substring(3, 35);

            JsonNode report = await().atMost(Duration.ofSeconds(30)).until(() -> sentry.events().stream()
                    .filter(event -> runId.equals(event.at("/tags/run_id").asText())).findFirst(),
                    java.util.Optional::isPresent).orElseThrow();
            assertThat(report.path("release").asText()).isEqualTo("agent-workspace@it-release");
            assertThat(report.path("environment").asText()).isEqualTo("it");
            assertThat(report.at("/contexts/trace/trace_id").asText()).isEqualTo(traceId);
            assertThat(report.at("/tags/trace_id").asText()).isEqualTo(traceId);
            assertThat(report.at("/tags/project_id").asText()).isEqualTo(projectId);
            assertThat(report.at("/message/formatted").asText()).contains("deliberately, for the error report");
            assertThat(report.has("request")).isFalse();
            assertThat(report.has("user")).isFalse();
            SentryServer.Envelope envelope = sentry.envelopes().stream()
                    .filter(each -> each.text().contains(runId)).findFirst().orElseThrow();
            assertThat(envelope.header().at("/trace/trace_id").asText()).isEqualTo(traceId);
            for (SentryServer.Envelope each : sentry.envelopes()) {
                assertThat(each.text()).doesNotContain(token, secretValue, pusherSecret,
                        io.agentworkspace.support.MySqlProfile.TEST_MASTER_KEY);
            }
        }
    }

    @Test
    void unreachableCollectorAndSentryFailNoRequestAndNoRun() throws Exception {
        int closed = closedPort();
        Path log = Path.of("target", "json-logs", "unreachable-telemetry-it.log").toAbsolutePath();
        Files.deleteIfExists(log);
        try (RunningApp app = RunningApp.start(TestServices.createDatabase(), Files.createTempDirectory("unreachable-it"),
                Map.of("management.otlp.tracing.endpoint", "http://127.0.0.1:" + closed + "/v1/traces",
                        "management.tracing.sampling.probability", "1.0",
                        "management.tracing.opentelemetry.export.schedule-delay", "200ms",
                        "agent.observability.sentry.dsn", "http://0123456789abcdef@127.0.0.1:" + closed + "/7",
                        "logging.file.name", log.toString()))) {
            WebTestClient http = app.http();
            String projectId = ProjectWorkspaces.registerAndClone(http,
                    GitRepositories.withCommits(Files.createTempDirectory("unreachable-repo"), 1).path());
            String succeeding = RunsApi.script(http, projectId, "agents-default", "say still works");
            assertThat(RunsApi.awaitEnded(http, succeeding, Duration.ofSeconds(90)).get("state").asText())
                    .isEqualTo("succeeded");
            for (int i = 0; i < 3; i++) {
                String failing = RunsApi.script(http, projectId, "agents-default", "fail on purpose " + i);
                assertThat(RunsApi.awaitEnded(http, failing, Duration.ofSeconds(90)).get("state").asText())
                        .isEqualTo("failed");
            }
            http.get().uri("/api/runs").exchange().expectStatus().isOk();
            MeterRegistry meters = app.bean(MeterRegistry.class);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(failures(meters, "otlp")).isGreaterThanOrEqualTo(2);
                assertThat(failures(meters, "sentry")).isGreaterThanOrEqualTo(2);
            });
            List<String> lines = Files.readAllLines(log);
            assertThat(lines.stream().filter(line -> line.contains("otlp telemetry is not delivered"))).hasSize(1);
            assertThat(lines.stream().filter(line -> line.contains("sentry telemetry is not delivered"))).hasSize(1);
        }
    }

    @Test
    void aDsnThatCannotBeReadFailsNoRequestAndNoRun() throws Exception {
        Path log = Path.of("target", "json-logs", "malformed-dsn-it.log").toAbsolutePath();
        Files.deleteIfExists(log);
        try (RunningApp app = RunningApp.start(TestServices.createDatabase(), Files.createTempDirectory("bad-dsn-it"),
                Map.of("agent.observability.sentry.dsn", "not a dsn at all", "logging.file.name", log.toString()))) {
            WebTestClient http = app.http();
            String projectId = ProjectWorkspaces.registerAndClone(http,
                    GitRepositories.withCommits(Files.createTempDirectory("bad-dsn-repo"), 1).path());
            String failing = RunsApi.script(http, projectId, "agents-default", "say then\nfail on purpose");
            assertThat(RunsApi.awaitEnded(http, failing, Duration.ofSeconds(90)).get("state").asText()).isEqualTo("failed");
            String succeeding = RunsApi.script(http, projectId, "agents-default", "say fine");
            assertThat(RunsApi.awaitEnded(http, succeeding, Duration.ofSeconds(90)).get("state").asText())
                    .isEqualTo("succeeded");
            MeterRegistry meters = app.bean(MeterRegistry.class);
            assertThat(meters.find("agent.observability.export.failures").tag("exporter", "sentry")
                    .tag("reason", "configuration").counter().count()).isEqualTo(1.0);
            assertThat(Files.readAllLines(log).stream()
                    .filter(line -> line.contains("sentry telemetry is not delivered (configuration)"))).hasSize(1);
        }
    }

    private static double failures(MeterRegistry meters, String exporter) {
        return meters.find("agent.observability.export.failures").tag("exporter", exporter).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static int closedPort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
