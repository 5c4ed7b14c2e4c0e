package io.agentworkspace.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.ProjectWorkspaces;
import io.agentworkspace.support.TestServices;
import io.agentworkspace.support.WorkspaceTrees;

/**
 * Hostile input over every route the router knows (enumerated from the handler mapping, as the route sweep does)
 * and the console WebSocket: traversal and encoding variants in every path variable and in path-like query
 * parameters, oversized, deeply nested and wrongly typed JSON, control characters, huge headers, forged, malformed
 * and expired tokens, malformed and oversized frames. Every case is answered with a 4xx problem+json (or, on the
 * WebSocket, a protocol error), never a 5xx; afterwards the event store, the workspaces and the data directory are
 * exactly as before (checksums). The case count per route is printed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.http.rate-limits.enabled=false", "agent.rag.index-on-clone=false"})
@ActiveProfiles("mysql")
class HostileInputIT {

    static Path dataDir;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        dataDir = Files.createTempDirectory("agent-hostile-it");
        MySqlProfile.register(registry, TestServices.createDatabase(), dataDir);
    }

    @Autowired
    WebTestClient anonymous;
    @Autowired
    DataDirectory data;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TokenIssuance issuance;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping routes;
    @LocalServerPort
    int port;

    static final List<String> HOSTILE_SEGMENTS = List.of("..", "%2e%2e", "%252e%252e", "..%2f..%2fetc", "%00",
            "a%00b", "%c0%ae%c0%ae", "..%5c..%5c", "x".repeat(3000), "%ff%fe", "%e2%80%ae", "~root", "%0d%0aX-Injected:1",
            "%7b%7d", "'%20OR%201=1--");

    static final List<String> HOSTILE_BODIES = List.of("{", "[".repeat(5000) + "]".repeat(5000), "[]", "\"text\"", "42",
            "null", "{\"name\":{\"$gt\":\"\"}}", "{\"name\":\"a\\u0000b\",\"value\":\"\\u0007\"}",
            "{\"path\":\"../../../../etc/passwd\",\"localPath\":\"/etc\",\"gitUrl\":\"file:///etc\"}",
            "{\"" + "k".repeat(10) + "\":\"" + "v".repeat(3 * 1024 * 1024) + "\"}");

    @Test
    void everyRouteAndTheWebSocketRefuseHostileInputWithout5xxOrAnyChange() throws Exception {
        anonymous = anonymous.mutate().responseTimeout(Duration.ofSeconds(15)).build();
        WebTestClient admin = AdminToken.authorize(anonymous, AdminToken.read(data.root()));
        ProjectWorkspaces.registerAndClone(admin, GitRepositories.withCommits(Files.createTempDirectory("hostile-origin"), 2).path());
        TokenIssuance.Issued expired = issuance.issue("short", Set.of(Ability.ALL), Preset.ADMIN,
                java.time.Instant.now().plusSeconds(2), "test").block();
        Thread.sleep(2500);
        String real = AdminToken.read(data.root());
        List<String> badTokens = List.of("Bearer " + expired.plaintext(), "Bearer " + real.substring(0, real.length() - 2) + "AA",
                "Bearer " + real + "x", "Bearer aw_zzzzzzzzzzzzzzzz." + "A".repeat(43), "Bearer " + "a".repeat(4000),
                "Basic " + real, "Bearer " + real.replace('.', '\u00e9'));

        Snapshot before = snapshot();
        Map<String, Integer> counts = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, org.springframework.web.method.HandlerMethod> route : routes.getHandlerMethods().entrySet()) {
            Set<RequestMethod> methods = route.getKey().getMethodsCondition().getMethods();
            for (var pattern : route.getKey().getPatternsCondition().getPatterns()) {
                String template = pattern.getPatternString();
                if (template.startsWith("/v3/api-docs") || template.startsWith("/api/test-only")) {
                    continue;
                }
                boolean hasVariables = template.contains("{");
                for (RequestMethod requestMethod : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    HttpMethod method = requestMethod.asHttpMethod();
                    String key = method + " " + template;
                    boolean takesBody = method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
                    for (String token : badTokens) {
                        check(failures, counts, key, true, exchange(anonymous, method, fill(template, "x"), token, null, null));
                    }
                    check(failures, counts, key, true, exchange(admin, method, fill(template, "x"), null,
                            Map.of("X-Huge", "h".repeat(20_000)), null));
                    if (hasVariables) {
                        for (String segment : HOSTILE_SEGMENTS) {
                            check(failures, counts, key, true, exchange(admin, method, fill(template, segment), null, null,
                                    takesBody ? "{}" : null));
                        }
                    }
                    if (takesBody && (hasVariables || !template.equals("/api/rag/reindex"))) {
                        for (String body : HOSTILE_BODIES) {
                            String path = hasVariables ? fill(template, "%2e%2e") : template;
                            check(failures, counts, key, true, exchange(admin, method, path, null, null, body));
                        }
                    }
                    if (!takesBody && method == HttpMethod.GET) {
                        String query = "?path=..%2F..%2Fetc%2Fpasswd&limit=-1&after=%00&channel=..&from=HEAD~1&to=$(id)";
                        check(failures, counts, key, hasVariables, exchange(admin, method, fill(template, "%2e%2e") + query,
                                null, null, null));
                    }
                }
            }
        }
        int webSocketCases = webSocketCases(failures);
        counts.put("WS /app/{key}", webSocketCases);

        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("hostile input cases per route (" + total + " in all):");
        counts.forEach((route, count) -> System.out.printf("  %-60s %4d%n", route, count));
        assertThat(failures).as("cases answered with a 5xx, a non-problem body, or success").isEmpty();
        assertThat(total).isGreaterThanOrEqualTo(300);
        assertThat(snapshot()).as("event store, workspaces and data directory unchanged").isEqualTo(before);
    }

    private record Outcome(int status, String contentType, String body) {
    }

    private Outcome exchange(WebTestClient client, HttpMethod method, String path, String authorization,
                             Map<String, String> headers, String body) {
        WebTestClient.RequestBodySpec request = client.method(method).uri(URI.create("http://127.0.0.1:" + port + path));
        if (authorization != null) {
            request = request.header("Authorization", authorization);
        }
        if (headers != null) {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                request = request.header(header.getKey(), header.getValue());
            }
        }
        WebTestClient.RequestHeadersSpec<?> ready = body == null ? request
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        FluxExchangeResult<byte[]> result;
        String text;
        try {
            result = ready.exchange().returnResult(byte[].class);
            MediaType type = result.getResponseHeaders().getContentType();
            if (type != null && (type.isCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                    || type.isCompatibleWith(MediaType.APPLICATION_NDJSON))) {
                // a stream the request was entitled to (a valid channel name, say) never ends: its head is the answer
                result.getResponseBody().subscribe().dispose();
                text = "";
            } else {
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                result.getResponseBody().doOnNext(bytes::writeBytes).blockLast(Duration.ofSeconds(15));
                text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IllegalStateException timedOut) {
            return new Outcome(0, "", "no answer within the client's timeout: " + method + " " + path.substring(0,
                    Math.min(120, path.length())) + " auth=" + (authorization == null ? "-" : authorization.substring(0,
                    Math.min(12, authorization.length()))));
        }
        MediaType type = result.getResponseHeaders().getContentType();
        return new Outcome(result.getStatus().value(), type == null ? "" : type.toString(), text);
    }

    private static void check(List<String> failures, Map<String, Integer> counts, String key, boolean must4xx,
                              Outcome outcome) {
        counts.merge(key, 1, Integer::sum);
        boolean is4xx = outcome.status() >= 400 && outcome.status() < 500;
        boolean problem = outcome.contentType().startsWith("application/problem+json");
        if (outcome.status() == 0 || outcome.status() >= 500 || (must4xx && !is4xx) || (is4xx && !problem)
                || outcome.body().contains("\tat ") || outcome.body().contains("Exception")) {
            failures.add(key + " -> " + outcome.status() + " " + outcome.contentType() + " "
                    + outcome.body().substring(0, Math.min(200, outcome.body().length())));
        }
    }

    /** Every {var} of a route template replaced by {@code value}. */
    private static String fill(String template, String value) {
        return template.replaceAll("\\{[^}]+}", java.util.regex.Matcher.quoteReplacement(value));
    }

    /** Malformed and hostile frames on the console WebSocket: each answered with pusher:error or a close. */
    private int webSocketCases(List<String> failures) throws Exception {
        List<String> frames = List.of("not json", "{", "[]", "42", "{\"event\":null}", "{\"event\":\"pusher:subscribe\"}",
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"private-run.x\"}}",
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"private-run.x\",\"auth\":\"agent-workspace-key:forged\"}}",
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"../../etc\"}}",
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"presence-x\",\"auth\":\"k:00\",\"channel_data\":\"{\"}}",
                "{\"event\":\"client-evil\",\"channel\":\"private-run.x\",\"data\":\"{}\"}",
                "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + "c".repeat(5000) + "\"}}",
                "{\"event\":\"" + "\u0000".repeat(10) + "\"}", "x".repeat(70_000));
        int cases = 0;
        for (String frame : frames) {
            CompletableFuture<String> answer = new CompletableFuture<>();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
                    URI.create("ws://127.0.0.1:" + port + "/app/agent-workspace-key?protocol=7"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            if (!data.toString().contains("connection_established")) {
                                answer.complete(data.toString());
                            }
                            webSocket.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                            answer.complete("close " + statusCode);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket webSocket, Throwable error) {
                            answer.complete("error " + error);
                        }
                    }).get(10, TimeUnit.SECONDS);
            socket.sendText(frame, true);
            String reply = answer.get(10, TimeUnit.SECONDS);
            cases++;
            if (!reply.contains("pusher:error") && !reply.startsWith("close 4") && !reply.startsWith("close 1009")
                    && !reply.startsWith("close 1002")
                    && !reply.startsWith("error")) {
                failures.add("WS frame " + frame.substring(0, Math.min(60, frame.length())) + " -> " + reply);
            }
            socket.abort();
        }
        for (String path : List.of("/app/unknown-key?protocol=7", "/app/agent-workspace-key", "/app/agent-workspace-key?protocol=99")) {
            CompletableFuture<String> answer = new CompletableFuture<>();
            HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + path),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            answer.complete(data.toString());
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                            answer.complete("close " + statusCode);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            String reply = answer.get(10, TimeUnit.SECONDS);
            cases++;
            if (!reply.contains("pusher:error") && !reply.startsWith("close 4")) {
                failures.add("WS " + path + " -> " + reply);
            }
        }
        return cases;
    }

    private record Snapshot(long events, Long lastIndex, Map<String, String> workspaces, Map<String, String> dataDirectory) {
    }

    private Snapshot snapshot() {
        Long events = jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry", Long.class);
        Long last = jdbc.queryForObject("SELECT MAX(globalIndex) FROM DomainEventEntry", Long.class);
        Map<String, String> tree = new TreeMap<>(WorkspaceTrees.manifest(data.root()));
        Map<String, String> workspaces = new TreeMap<>();
        tree.forEach((path, entry) -> {
            if (path.startsWith("workspaces/")) {
                workspaces.put(path, entry);
            }
        });
        return new Snapshot(events, last, workspaces, tree);
    }
}
