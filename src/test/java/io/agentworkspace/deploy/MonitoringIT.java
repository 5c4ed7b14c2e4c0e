package io.agentworkspace.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.client.WebClient;

import io.agentworkspace.support.ProductionProfileContext;

/**
 * The dashboards and alerts in deploy/ hold: the alert rules pass {@code promtool check rules} and their unit tests
 * ({@code promtool test rules}); the Grafana dashboard is valid JSON whose every query parses as PromQL (promtool
 * checks them as recording rules); and every metric a query or a rule names is one this service exports, read from
 * a live {@code /actuator/prometheus} of the production profiles (mysql + kafka).
 */
class MonitoringIT extends ProductionProfileContext {

    private static final Path RULES = Path.of("deploy/prometheus/agent-workspace.rules.yml");
    private static final Path RULE_TESTS = Path.of("deploy/prometheus/agent-workspace.rules.test.yml");
    private static final Path DASHBOARD = Path.of("deploy/grafana/agent-workspace-dashboard.json");
    private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Autowired
    Environment environment;

    @TempDir
    Path work;

    @Test
    void alertRulesPassPromtoolCheckAndTheirUnitTests() throws Exception {
        Result check = promtool("check", "rules", RULES.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
        Result test = promtool("test", "rules", RULE_TESTS.toString());
        assertThat(test.exitCode()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");

        // every alert the issue asks for is there, and each has a unit test that shows it firing
        Set<String> alerts = alertExpressions().keySet();
        assertThat(alerts).contains("ConsoleDeliveryLatencyHigh", "ProcessorLagging", "EventChainNotAdvancing",
                "RunQueueWaitHigh", "RunFailureRateHigh", "DataDirectoryDiskSpaceLow", "KafkaExportLagging");
        String tests = Files.readString(RULE_TESTS);
        for (String alert : alerts) {
            assertThat(tests).as("a unit test of " + alert).containsPattern("alertname: " + alert + "\\s+exp_alerts:\\s+- exp_labels");
        }
    }

    @Test
    void everyDashboardQueryParsesAsPromQl() throws Exception {
        List<String> queries = dashboardQueries();
        assertThat(queries).hasSizeGreaterThan(20);
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
        for (int i = 0; i < queries.size(); i++) {
            rules.append("      - record: dashboard:query_").append(i).append("\n        expr: ")
                    .append(new ObjectMapper().writeValueAsString(queries.get(i))).append('\n');
        }
        Path asRules = work.resolve("dashboard-queries.yml");
        Files.writeString(asRules, rules);
        Result check = promtool("check", "rules", asRules.toString());
        assertThat(check.exitCode()).as(check.output() + "\n" + rules).isZero();
        assertThat(check.output()).contains("SUCCESS: " + queries.size() + " rules found");
    }

    @Test
    void everyMetricTheDashboardAndTheRulesNameIsExported() throws Exception {
        System.gc(); // so the GC pause timer has a series, as on any node that has run a while
        String port = environment.getProperty("local.management.port", environment.getProperty("local.server.port"));
        WebClient client = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build();
        client.get().uri("/api/projects").retrieve().toBodilessEntity().onErrorResume(e -> reactor.core.publisher.Mono.empty())
                .block(Duration.ofSeconds(10));

        Map<String, Set<String>> named = new LinkedHashMap<>();
        for (String query : dashboardQueries()) {
            named.put("dashboard: " + query, metricNames(query));
        }
        alertExpressions().forEach((alert, expr) -> named.put("rule " + alert + ": " + expr, metricNames(expr)));
        assertThat(named.values().stream().flatMap(Set::stream).collect(Collectors.toSet()))
                .as("names found in the queries").contains("agent_runs_wait_seconds_bucket", "agent_chain_position",
                        "agent_console_delivery_latency_seconds_bucket", "jvm_memory_used_bytes", "disk_free_bytes");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String scrape = client.get().uri("/actuator/prometheus").retrieve().bodyToMono(String.class)
                    .block(Duration.ofSeconds(10));
            Set<String> exported = scrape.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                    .map(line -> {
                        Matcher name = NAME.matcher(line);
                        return name.lookingAt() ? name.group() : "";
                    })
                    .collect(Collectors.toCollection(TreeSet::new));
            List<String> missing = new ArrayList<>();
            named.forEach((where, names) -> names.stream().filter(name -> !exported.contains(name))
                    .forEach(name -> missing.add(name + " (" + where + ")")));
            assertThat(missing).as("metrics named but not exported").isEmpty();
            assertThat(scrape).as("no quantile gauges, no window gauges")
                    .doesNotContain("quantile=\"").doesNotContain("_per_minute").doesNotContain("_last_hour");
        });
    }

    /** The metric names a PromQL expression selects: identifiers that are not functions, keywords or labels. */
    static Set<String> metricNames(String promql) {
        String stripped = promql.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher matcher = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(stripped);
        while (matcher.find()) {
            if (matcher.group(2) == null && !PROMQL_WORDS.contains(matcher.group(1))) {
                names.add(matcher.group(1));
            }
        }
        return names;
    }

    @Test
    void theMetricNameExtractorSeesThroughLabelsFunctionsAndGrouping() {
        assertThat(metricNames("histogram_quantile(0.95, sum by (queue, le) (rate(agent_runs_wait_seconds_bucket"
                + "{instance=~\".*\",state=\"a b\"}[5m]))) > 300 and on (job) max(agent_runs_pending) == bool 1"))
                .containsExactlyInAnyOrder("agent_runs_wait_seconds_bucket", "agent_runs_pending");
        assertThat(metricNames("deriv(max(agent_event_store_head)[5m:]) - max by (job) (agent_chain_position)"))
                .containsExactlyInAnyOrder("agent_event_store_head", "agent_chain_position");
    }

    private static List<String> dashboardQueries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("panels").isArray()).isTrue();
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("id").isInt()).as("panel id of " + panel.path("title")).isTrue();
            for (JsonNode target : panel.path("targets")) {
                queries.add(concrete(target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            String definition = variable.path("definition").asText();
            Matcher values = Pattern.compile("label_values\\(([^,]+),").matcher(definition);
            if (values.find()) {
                queries.add(values.group(1).strip());
            }
        }
        return queries;
    }

    /** Grafana's variables replaced by what they stand for at query time. */
    private static String concrete(String query) {
        return query.replace("$__rate_interval", "1m").replace("$__interval", "1m").replace("$instance", ".*");
    }

    private static Map<String, String> alertExpressions() throws IOException {
        JsonNode rules = new ObjectMapper().valueToTree(new org.yaml.snakeyaml.Yaml().load(Files.readString(RULES)));
        Map<String, String> alerts = new LinkedHashMap<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.put(rule.path("alert").asText(rule.path("record").asText()), rule.path("expr").asText());
            }
        }
        return alerts;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            throw new IllegalStateException("promtool is missing: install the Debian 'prometheus' package "
                    + "(deploy/dev/services.sh install does)", notInstalled);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
