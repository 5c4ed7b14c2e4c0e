package io.agentworkspace.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.infrastructure.web.RequiredAbility;
import io.agentworkspace.infrastructure.redis.RedisDatabase;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.MySqlProfile;
import io.agentworkspace.support.SuiteSettings;
import io.agentworkspace.support.TestServices;

/**
 * Access on the production profile (MariaDB, Redis): tokens, abilities on every route, pairing with its rate
 * limit, revocation and expiry taking effect at once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.pairing.code-ttl=3s", "agent.http.rate-limits.per-token-per-minute=150",
                "agent.http.rate-limits.per-address-per-minute=400",
                // as behind the shipped LiteSpeed: the proxy on loopback appends the client it saw
                "agent.http.trusted-proxies=127.0.0.1/32"})
@ActiveProfiles("mysql")
@Import(AccessIT.UndeclaredRoute.class)
class AccessIT {

    /** A handler that declares no ability: deny-by-default must refuse it to every token, the admin's included. */
    @RestController
    static class UndeclaredRoute {
        @GetMapping("/api/test-only/undeclared")
        String undeclared() {
            return "reached";
        }
    }

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) throws Exception {
        MySqlProfile.register(registry, TestServices.createDatabase(), Files.createTempDirectory("agent-access-it"));
    }

    @Autowired
    WebTestClient anonymous;
    @Autowired
    DataDirectory dataDirectory;
    @Autowired
    TokenIssuance issuance;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping routes;
    @Autowired
    List<PublicEndpoints> publicEndpoints;
    @Autowired
    @Qualifier("cache")
    RedisDatabase cache;
    @Autowired
    ApplicationContext context;
    @Autowired
    Pairings pairings;

    WebTestClient admin;

    @BeforeEach
    void setUp() {
        anonymous = anonymous.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        admin = AdminToken.authorize(anonymous, AdminToken.read(dataDirectory.root()));
        cache.commands().del("ratelimit:pair:ip:127.0.0.1").block();
    }

    @Test
    void meNamesTheCallerAndItsAbilities() {
        JsonNode me = admin.get().uri("/api/me").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(me.get("preset").asText()).isEqualTo("admin");
        assertThat(me.get("abilities").findValuesAsText("")).isEmpty();
        assertThat(me.get("abilities").toString()).contains("\"*\"");
        anonymous.get().uri("/api/me").exchange().expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void anIssuedTokenWorksAtOnceAndARevokedOneStopsAtOnce() {
        JsonNode issued = admin.post().uri("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "ci", "preset", "operator")).exchange()
                .expectStatus().isCreated()
                .expectHeader().cacheControl(org.springframework.http.CacheControl.noStore())
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        String token = issued.get("token").asText();
        assertThat(token).matches(TokenSecrets.FORMAT.pattern());
        WebTestClient operator = AdminToken.authorize(anonymous, token);
        operator.get().uri("/api/me").exchange().expectStatus().isOk();
        operator.get().uri("/api/projects").exchange().expectStatus().isOk();
        operator.get().uri("/api/tokens").exchange().expectStatus().isForbidden();

        String listed = admin.get().uri("/api/tokens").exchange().expectStatus().isOk().expectBody(String.class)
                .returnResult().getResponseBody();
        String storedHash = jdbc.queryForObject("SELECT secret_sha256 FROM api_tokens WHERE token_id = ?", String.class,
                issued.get("id").asText());
        assertThat(listed).contains(issued.get("id").asText()).doesNotContain(token)
                .doesNotContain(token.substring(token.indexOf('.') + 1)).doesNotContain(storedHash)
                .doesNotContain("secretSha256");

        admin.delete().uri("/api/tokens/" + issued.get("id").asText()).exchange().expectStatus().isNoContent();
        operator.get().uri("/api/me").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void anExpiredTokenStopsWorking() throws InterruptedException {
        Instant expiresAt = Instant.now().plusSeconds(5);
        TokenIssuance.Issued shortLived = issuance.issue("short", EnumSet.of(Ability.PROJECTS_READ), null,
                expiresAt, "test").block();
        WebTestClient client = AdminToken.authorize(anonymous, shortLived.plaintext());
        client.get().uri("/api/me").exchange().expectStatus().isOk();
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 200);
        client.get().uri("/api/me").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void aTokenCannotBeIssuedWithMoreThanItsIssuerHas() {
        TokenIssuance.Issued manager = issuance.issue("manager", EnumSet.of(Ability.TOKENS_MANAGE, Ability.PROJECTS_READ),
                null, null, "test").block();
        AdminToken.authorize(anonymous, manager.plaintext()).post().uri("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "escalate", "preset", "admin")).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/ability-escalation");
        AdminToken.authorize(anonymous, manager.plaintext()).post().uri("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "narrower", "abilities", List.of("projects:read"))).exchange()
                .expectStatus().isCreated();
    }

    /** Well-formed but unknown ones are built at run time, so no token-shaped text sits in the repository. */
    static Stream<String> malformedOrUnknownTokens() {
        String unknown = "aw_0123456789abcdef." + "A".repeat(43);
        return Stream.of("Bearer", "Bearer ", "Bearer not-a-token", "Basic YWRtaW46YWRtaW4=", "bearer aw_0123",
                "Bearer " + unknown, "Bearer " + unknown.substring(0, unknown.length() - 1) + "\u00e9", "Token abc");
    }

    @ParameterizedTest
    @MethodSource("malformedOrUnknownTokens")
    void malformedOrUnknownTokensAre401(String header) {
        anonymous.get().uri("/api/me").header(HttpHeaders.AUTHORIZATION, header).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void aValidIdWithAWrongSecretIs401AndOverlongOrHugeHeadersAreRefused() {
        String real = AdminToken.read(dataDirectory.root());
        String forged = real.substring(0, real.indexOf('.') + 1) + "B".repeat(43);
        anonymous.get().uri("/api/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + forged).exchange()
                .expectStatus().isUnauthorized();
        anonymous.get().uri("/api/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + "a".repeat(600)).exchange()
                .expectStatus().isUnauthorized();
    }

    /**
     * Headers or a request line past the server's limits are refused with a problem, at once, also on a keep-alive
     * connection right after another answer (where Reactor Netty's own refusal could get lost, leaving the client
     * waiting), and the connection is closed.
     */
    @Test
    void hugeHeadersAndOverlongRequestLinesGetAProblemAtOnceEvenOnAKeptAliveConnection() {
        WebTestClient impatient = anonymous.mutate().responseTimeout(Duration.ofSeconds(5)).build();
        for (int attempt = 0; attempt < 40; attempt++) {
            impatient.get().uri("/api/me").header(HttpHeaders.AUTHORIZATION, "Bearer forged").exchange()
                    .expectStatus().isUnauthorized();
            impatient.get().uri("/api/me").header("X-Huge", "h".repeat(20_000)).exchange()
                    .expectStatus().isEqualTo(431)
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectHeader().valueEquals(HttpHeaders.CONNECTION, "close")
                    .expectBody().jsonPath("$.type").isEqualTo("/problems/headers-too-large");
        }
        impatient.get().uri("/api/runs?after=" + "1".repeat(20_000)).exchange()
                .expectStatus().isEqualTo(414)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("/problems/uri-too-long");
    }

    /**
     * Every route the router knows: without a token it is 401 (unless it is a declared public endpoint); every
     * mutating route declares an ability, and a token lacking it gets 403 whatever body it sends, writing nothing.
     */
    @Test
    void routeSweep() {
        TokenIssuance.Issued outsider = issuance.issue("outsider", EnumSet.of(Ability.EVENTS_READ), null, null, "test").block();
        TokenIssuance.Issued otherOutsider = issuance.issue("outsider2", EnumSet.of(Ability.PROJECTS_READ), null, null,
                "test").block();
        long eventsBefore = events();
        List<String> checked = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> route : routes.getHandlerMethods().entrySet()) {
            Set<org.springframework.web.bind.annotation.RequestMethod> methods = route.getKey().getMethodsCondition().getMethods();
            for (var pattern : route.getKey().getPatternsCondition().getPatterns()) {
                String path = pattern.getPatternString().replaceAll("\\{[^}]+}", "0123456789abcdef");
                for (var method : methods.isEmpty() ? Set.of(org.springframework.web.bind.annotation.RequestMethod.GET) : methods) {
                    HttpMethod http = method.asHttpMethod();
                    boolean open = isPublic(http, path);
                    boolean mutating = !(http == HttpMethod.GET || http == HttpMethod.HEAD || http == HttpMethod.OPTIONS);
                    String ability = RequiredAbility.of(route.getValue()).orElse(null);
                    boolean undeclared = path.equals("/api/test-only/undeclared");
                    if (!open) {
                        call(anonymous, http, path).expectStatus().isUnauthorized();
                    }
                    if (!open && !undeclared && !path.startsWith("/v3/api-docs")) {
                        assertThat(ability != null || RequiredAbility.anyValidToken(route.getValue()))
                                .as(http + " " + path + " declares an ability or isAuthenticated()").isTrue();
                    }
                    if (mutating && !open && !RequiredAbility.anyValidToken(route.getValue())) {
                        assertThat(ability).as(http + " " + path + " declares an ability").isNotNull();
                        TokenIssuance.Issued lacking = "events:read".equals(ability) ? otherOutsider : outsider;
                        call(AdminToken.authorize(anonymous, lacking.plaintext()), http, path)
                                .expectStatus().isForbidden()
                                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
                    }
                    checked.add(http + " " + pattern.getPatternString());
                }
            }
        }
        assertThat(checked).contains("POST /api/projects", "PUT /api/secrets/{name}", "DELETE /api/tokens/{id}",
                "POST /api/pairings", "GET /api/test-only/undeclared");
        assertThat(events()).as("nothing written by refused calls").isEqualTo(eventsBefore);
    }

    /** Deny-by-default: a route that declares neither an ability nor isAuthenticated() is refused to every token. */
    @Test
    void aRouteThatDeclaresNoAbilityIsRefusedEvenToTheAdmin() {
        admin.get().uri("/api/test-only/undeclared").exchange().expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class).value(body -> assertThat(body).doesNotContain("reached"));
        anonymous.get().uri("/api/test-only/undeclared").exchange().expectStatus().isUnauthorized();
        admin.get().uri("/api/me").exchange().expectStatus().isOk();
    }

    /**
     * Management is on its own (loopback) port: health without details and Prometheus for anyone there, health
     * details for a valid token; on the API port the actuator is not served to anyone without the admin token,
     * and the OpenAPI contract needs a valid token.
     */
    @Test
    void operationalEndpointsLiveOnTheManagementPortAndShowDetailsOnlyWithAToken() {
        WebTestClient management = SuiteSettings.management(context);
        assertThat(SuiteSettings.managementPort(context))
                .isNotEqualTo(context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
        JsonNode bare = management.get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(bare.get("status").asText()).isEqualTo("UP");
        assertThat(bare.has("components")).as("no details without a token").isFalse();
        JsonNode detailed = AdminToken.authorize(management, AdminToken.read(dataDirectory.root())).get()
                .uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(detailed.get("components").has("db")).isTrue();
        management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        management.get().uri("/actuator/info").exchange().expectStatus().isOk();
        management.get().uri("/actuator/metrics").exchange().expectStatus().isUnauthorized();

        for (String path : List.of("/actuator/health", "/actuator/prometheus", "/actuator/metrics", "/actuator/info")) {
            anonymous.get().uri(path).exchange().expectStatus().isUnauthorized();
        }
        TokenIssuance.Issued operator = issuance.issue("operator", Preset.OPERATOR.abilities(), Preset.OPERATOR, null,
                "test").block();
        AdminToken.authorize(anonymous, operator.plaintext()).get().uri("/actuator/prometheus").exchange()
                .expectStatus().isForbidden();
        anonymous.get().uri("/v3/api-docs").exchange().expectStatus().isUnauthorized();
        AdminToken.authorize(anonymous, operator.plaintext()).get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk().expectBody(String.class).value(body -> assertThat(body).contains("/api/runs"));
    }

    /** A child token never outlives its issuer: its expiry is capped, and revoking the issuer revokes it. */
    @Test
    void aChildTokenNeverOutlivesItsIssuer() {
        Instant managerExpiry = Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        TokenIssuance.Issued manager = issuance.issue("manager", EnumSet.of(Ability.TOKENS_MANAGE, Ability.PROJECTS_READ),
                null, managerExpiry, "test").block();
        WebTestClient asManager = AdminToken.authorize(anonymous, manager.plaintext());
        asManager.post().uri("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "longer", "abilities", List.of("projects:read"),
                        "expiresAt", managerExpiry.plus(Duration.ofHours(1)).toString()))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-expiry");
        JsonNode child = asManager.post().uri("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "child", "abilities", List.of("projects:read"))).exchange()
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(Instant.parse(child.get("expiresAt").asText())).isEqualTo(managerExpiry);
        WebTestClient asChild = AdminToken.authorize(anonymous, child.get("token").asText());
        asChild.get().uri("/api/me").exchange().expectStatus().isOk();
        admin.delete().uri("/api/tokens/" + manager.token().tokenId()).exchange().expectStatus().isNoContent();
        asChild.get().uri("/api/me").exchange().expectStatus().isUnauthorized();
    }

    /** The bootstrap admin token cannot be revoked by a token with fewer abilities, even one that manages tokens. */
    @Test
    void aNarrowerTokenCannotRevokeTheAdminToken() {
        String adminToken = AdminToken.read(dataDirectory.root());
        String adminId = adminToken.substring(3, adminToken.indexOf('.'));
        TokenIssuance.Issued manager = issuance.issue("manager", EnumSet.of(Ability.TOKENS_MANAGE), null, null, "test")
                .block();
        AdminToken.authorize(anonymous, manager.plaintext()).delete().uri("/api/tokens/" + adminId).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/revocation-not-allowed");
        admin.get().uri("/api/me").exchange().expectStatus().isOk();
    }

    /** A paired phone's token expires by default and renews itself; revoking the pairing ends the renewed one too. */
    @Test
    void aDeviceTokenExpiresByDefaultAndRenews() {
        JsonNode code = admin.post().uri("/api/pairings").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("label", "renewing phone")).exchange().expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        JsonNode paired = pair(code.get("code").asText(), "phone").expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        WebTestClient phone = AdminToken.authorize(anonymous, paired.get("token").asText());
        JsonNode me = phone.get().uri("/api/me").exchange().expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        assertThat(Instant.parse(me.get("expiresAt").asText()))
                .isBetween(Instant.now().plus(Duration.ofDays(89)), Instant.now().plus(Duration.ofDays(91)));
        JsonNode renewed = phone.post().uri("/api/me/renew").exchange().expectStatus().isCreated()
                .expectHeader().cacheControl(org.springframework.http.CacheControl.noStore())
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        phone.get().uri("/api/me").exchange().expectStatus().isUnauthorized();
        WebTestClient renewedPhone = AdminToken.authorize(anonymous, renewed.get("token").asText());
        renewedPhone.get().uri("/api/me").exchange().expectStatus().isOk();
        admin.delete().uri("/api/pairings/" + code.get("pairingId").asText()).exchange().expectStatus().isNoContent();
        renewedPhone.get().uri("/api/me").exchange().expectStatus().isUnauthorized();
    }

    /** Only a keyed hash of a pairing code is in the history: its plain SHA-256 (searchable) appears nowhere. */
    @Test
    void pairingCodesLeaveNoSearchableHashInTheHistory() throws Exception {
        JsonNode code = admin.post().uri("/api/pairings").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of()).exchange().expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        String normalized = code.get("code").asText().replace("-", "");
        String plainHash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(("pairing:" + normalized).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        String payloads = String.join("\n", jdbc.queryForList("SELECT payload FROM DomainEventEntry WHERE payloadType LIKE "
                + "'%PairingCodeIssued'", byte[].class).stream()
                .map(bytes -> new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).toList());
        assertThat(payloads).contains(code.get("pairingId").asText()).doesNotContain(plainHash)
                .doesNotContain(plainHash.substring(0, 16)).doesNotContain(normalized);
        assertThat(String.join(",", jdbc.queryForList("SELECT code_hash_prefix FROM pairing_attempts", String.class)))
                .doesNotContain(plainHash.substring(0, 8));
    }

    /** Past its per-token budget a token gets 429 with Retry-After; another token is not affected. */
    @Test
    void aTokenPastItsRateLimitGets429WithRetryAfter() {
        TokenIssuance.Issued busy = issuance.issue("busy", EnumSet.of(Ability.PROJECTS_READ), null, null, "test").block();
        WebTestClient client = AdminToken.authorize(anonymous, busy.plaintext());
        int ok = 0;
        for (int i = 0; i < 150; i++) {
            ok += client.get().uri("/api/me").exchange().returnResult(String.class).getStatus().value() == 200 ? 1 : 0;
        }
        assertThat(ok).isEqualTo(150);
        client.get().uri("/api/me").exchange().expectStatus().isEqualTo(429)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value(HttpHeaders.RETRY_AFTER, value -> assertThat(Long.parseLong(value)).isBetween(1L, 61L));
        TokenIssuance.Issued calm = issuance.issue("calm", EnumSet.of(Ability.PROJECTS_READ), null, null, "test").block();
        AdminToken.authorize(anonymous, calm.plaintext()).get().uri("/api/me").exchange().expectStatus().isOk();
    }

    /**
     * Behind a trusted proxy every request comes from the proxy's address: each client is still limited on its
     * own, by the address the proxy appended to X-Forwarded-For; the entries a client writes itself (the left-most)
     * are never taken on trust, so a throttled client cannot name itself anew.
     */
    @Test
    void behindATrustedProxyEachClientIsLimitedOnItsOwnAndSpoofedEntriesAreIgnored() {
        for (String client : List.of("203.0.113.10", "203.0.113.11", "203.0.113.13")) {
            cache.commands().del("ratelimit:pair:ip:" + client).block();
        }
        for (int i = 1; i <= 10; i++) {
            pairVia("203.0.113.10", "YYYY-YY" + String.format("%02d", i)).expectStatus().isBadRequest();
        }
        pairVia("203.0.113.10", "YYYY-YY11").expectStatus().isEqualTo(429);
        // another client behind the same proxy is not locked out
        pairVia("203.0.113.11", "YYYY-YY12").expectStatus().isBadRequest();
        // the throttled client writes a fresh address first: the proxy's entry, the right-most, still names it
        pairVia("198.51.100.99, 203.0.113.10", "YYYY-YY13").expectStatus().isEqualTo(429);
        // a client claiming to be the throttled one is counted as what the proxy saw
        pairVia("203.0.113.10, 203.0.113.13", "YYYY-YY14").expectStatus().isBadRequest();
    }

    private WebTestClient.ResponseSpec pairVia(String forwardedFor, String code) {
        return anonymous.post().uri("/api/pair").header("X-Forwarded-For", forwardedFor)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("code", code, "deviceName", "guesser")).exchange();
    }

    /** Requests without a token are limited per client address: 429 with Retry-After past the budget. */
    @Test
    void anonymousRequestsPastTheAddressBudgetGet429WithRetryAfter() {
        int status = 0;
        for (int i = 0; i <= 400 && status != 429; i++) {
            status = anonymous.get().uri("/api/me").header("X-Forwarded-For", "203.0.113.20").exchange()
                    .returnResult(String.class).getStatus().value();
        }
        assertThat(status).as("within 401 requests of one address").isEqualTo(429);
        anonymous.get().uri("/api/me").header("X-Forwarded-For", "203.0.113.20").exchange().expectStatus().isEqualTo(429)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value(HttpHeaders.RETRY_AFTER, value -> assertThat(Long.parseLong(value)).isBetween(1L, 61L));
        anonymous.get().uri("/api/me").header("X-Forwarded-For", "203.0.113.21").exchange().expectStatus().isUnauthorized();
    }

    /**
     * Guessed tokens and stale session cookies count against the client's address: past its budget they get 429
     * (not 401 forever), while a valid token and a browser session from the same address, a colleague behind the
     * same NAT, are not held back by it.
     */
    @Test
    void guessedCredentialsCountAgainstTheAddressAndNeverHoldBackAValidOne() {
        String address = "203.0.113.40";
        int status = 0;
        for (int i = 0; i <= 400 && status != 429; i++) {
            status = anonymous.get().uri("/api/me").header("X-Forwarded-For", address)
                    .header(HttpHeaders.AUTHORIZATION, "Bearer guess-" + i).exchange()
                    .returnResult(String.class).getStatus().value();
        }
        assertThat(status).as("within 401 guesses from one address").isEqualTo(429);
        anonymous.get().uri("/api/me").header("X-Forwarded-For", address).cookie(BrowserSessions.COOKIE, "stale")
                .exchange().expectStatus().isEqualTo(429)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value(HttpHeaders.RETRY_AFTER, value -> assertThat(Long.parseLong(value)).isBetween(1L, 61L));
        anonymous.get().uri("/api/me").header("X-Forwarded-For", address).exchange().expectStatus().isEqualTo(429);

        TokenIssuance.Issued colleague = issuance.issue("colleague", EnumSet.of(Ability.PROJECTS_READ), null, null, "test").block();
        AdminToken.authorize(anonymous, colleague.plaintext()).get().uri("/api/me").header("X-Forwarded-For", address)
                .exchange().expectStatus().isOk();
        TokenIssuance.Issued session = sessionOf(colleague);
        anonymous.get().uri("/api/me").header("X-Forwarded-For", address).cookie(BrowserSessions.COOKIE, session.plaintext())
                .exchange().expectStatus().isOk();
    }

    /** Every browser session of a token spends that token's budget: opening sessions buys no extra requests. */
    @Test
    void browserSessionsSpendTheirTokensBudget() {
        TokenIssuance.Issued parent = issuance.issue("parent", EnumSet.of(Ability.PROJECTS_READ), null, null, "test").block();
        List<TokenIssuance.Issued> sessions = List.of(sessionOf(parent), sessionOf(parent), sessionOf(parent));
        int ok = 0;
        for (int i = 0; i < 150; i++) {
            ok += anonymous.get().uri("/api/me").cookie(BrowserSessions.COOKIE, sessions.get(i % 3).plaintext()).exchange()
                    .returnResult(String.class).getStatus().value() == 200 ? 1 : 0;
        }
        assertThat(ok).isEqualTo(150);
        anonymous.get().uri("/api/me").cookie(BrowserSessions.COOKIE, sessionOf(parent).plaintext()).exchange()
                .expectStatus().isEqualTo(429);
        AdminToken.authorize(anonymous, parent.plaintext()).get().uri("/api/me").exchange().expectStatus().isEqualTo(429);
    }

    /**
     * Behind a TLS-terminating trusted proxy the session cookie is Secure; over plain HTTP it is not, and a peer that
     * is not a trusted proxy cannot claim TLS.
     */
    @Test
    void theSessionCookieIsSecureWhenTheBrowserCameOverTls() {
        TokenIssuance.Issued parent = issuance.issue("tls", EnumSet.of(Ability.PROJECTS_READ), null, null, "test").block();
        assertThat(signInCookie(parent, "https")).contains("Secure").contains("HttpOnly").contains("SameSite=Strict");
        assertThat(signInCookie(parent, "http")).doesNotContain("Secure");
        assertThat(signInCookie(parent, null)).doesNotContain("Secure");
    }

    private String signInCookie(TokenIssuance.Issued parent, @org.springframework.lang.Nullable String forwardedProto) {
        String csrf = "csrf-" + java.util.UUID.randomUUID();
        WebTestClient.RequestBodySpec request = anonymous.post().uri("/api/session").cookie("XSRF-TOKEN", csrf)
                .header("X-XSRF-TOKEN", csrf).contentType(MediaType.APPLICATION_JSON);
        if (forwardedProto != null) {
            request = request.header("X-Forwarded-Proto", forwardedProto);
        }
        return request.bodyValue(Map.of("token", parent.plaintext())).exchange().expectStatus().isCreated()
                .returnResult(String.class).getResponseHeaders().getFirst(HttpHeaders.SET_COOKIE);
    }

    /** An IPv6 client is limited by its /64: rotating through its own network buys no extra requests. */
    @Test
    void anIpv6ClientIsLimitedByItsSlash64() {
        int status = 0;
        for (int i = 0; i <= 400 && status != 429; i++) {
            status = anonymous.get().uri("/api/me").header("X-Forwarded-For", "2001:db8:7:7::" + Integer.toHexString(i + 1))
                    .exchange().returnResult(String.class).getStatus().value();
        }
        assertThat(status).as("within 401 requests from one /64").isEqualTo(429);
        anonymous.get().uri("/api/me").header("X-Forwarded-For", "2001:db8:7:7:ffff::9").exchange().expectStatus().isEqualTo(429);
        anonymous.get().uri("/api/me").header("X-Forwarded-For", "2001:db8:7:8::1").exchange().expectStatus().isUnauthorized();
    }

    private TokenIssuance.Issued sessionOf(TokenIssuance.Issued parent) {
        return issuance.issue("browser session", parent.token().abilities(), null, null,
                BrowserSessions.SESSION_OF + parent.token().tokenId()).block();
    }

    /** Attempts older than the retention are deleted; newer ones stay. */
    @Test
    void oldPairingAttemptsArePruned() {
        jdbc.update("INSERT INTO pairing_attempts (attempted_at, client_ip, code_hash_prefix, outcome) VALUES (?, ?, ?, ?)",
                utc(Instant.now().minus(Duration.ofDays(31))), "203.0.113.30", "00000000", "unknown-code");
        jdbc.update("INSERT INTO pairing_attempts (attempted_at, client_ip, code_hash_prefix, outcome) VALUES (?, ?, ?, ?)",
                utc(Instant.now().minus(Duration.ofDays(29))), "203.0.113.31", "00000000", "unknown-code");
        assertThat(pairings.pruneAttemptsOlderThan(Duration.ofDays(30)).block()).isGreaterThanOrEqualTo(1L);
        assertThat(jdbc.queryForList("SELECT client_ip FROM pairing_attempts WHERE client_ip LIKE '203.0.113.3%'", String.class))
                .containsExactly("203.0.113.31");
    }

    /** The table's times are UTC, as the service writes them. */
    private static java.sql.Timestamp utc(Instant at) {
        return java.sql.Timestamp.valueOf(java.time.LocalDateTime.ofInstant(at, java.time.ZoneOffset.UTC));
    }

    @Test
    void aPhonePairsOnceWithACodeThatExpires() throws InterruptedException {
        int attemptsBefore = jdbc.queryForObject("SELECT COUNT(*) FROM pairing_attempts", Integer.class);
        int pairedBefore = jdbc.queryForObject("SELECT COUNT(*) FROM pairing_attempts WHERE outcome = 'paired'",
                Integer.class);
        JsonNode code = admin.post().uri("/api/pairings").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("label", "Maria's phone")).exchange().expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        String typed = code.get("code").asText();
        assertThat(typed).matches("[0-9A-Z]{4}-[0-9A-Z]{4}");
        assertThat(code.get("qrPayload").asText()).startsWith("agentworkspace://pair?server=").endsWith("&code=" + typed);
        assertThat(Duration.between(Instant.now(), Instant.parse(code.get("expiresAt").asText())))
                .isBetween(Duration.ZERO, Duration.ofSeconds(3));

        JsonNode paired = pair(typed.toLowerCase().replace("-", ""), "iPhone 17").expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        WebTestClient phone = AdminToken.authorize(anonymous, paired.get("token").asText());
        JsonNode me = phone.get().uri("/api/me").exchange().expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        assertThat(me.get("preset").asText()).isEqualTo("mobile");
        phone.post().uri("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "x", "preset", "mobile")).exchange().expectStatus().isForbidden();

        pair(typed, "second phone").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-pairing-code");

        JsonNode listed = admin.get().uri("/api/pairings").exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(listed.toString()).contains("\"status\":\"paired\"").contains("iPhone 17").doesNotContain(typed);

        admin.delete().uri("/api/pairings/" + code.get("pairingId").asText()).exchange().expectStatus().isNoContent();
        phone.get().uri("/api/me").exchange().expectStatus().isUnauthorized();

        JsonNode late = admin.post().uri("/api/pairings").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of()).exchange().expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        Thread.sleep(3200);
        pair(late.get("code").asText(), "too late").expectStatus().isBadRequest();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pairing_attempts WHERE outcome = 'paired'", Integer.class))
                .isEqualTo(pairedBefore + 1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pairing_attempts", Integer.class) - attemptsBefore)
                .as("every attempt recorded: the pairing, the reused code, the expired one").isEqualTo(3);
    }

    @Test
    void theEleventhWrongAttemptInAMinuteIs429WithRetryAfter() {
        long events = events();
        for (int i = 1; i <= 10; i++) {
            pair("ZZZZ-ZZ" + String.format("%02d", i), "guesser").expectStatus().isBadRequest();
        }
        pair("ZZZZ-ZZ11", "guesser").expectStatus().isEqualTo(429)
                .expectHeader().value(HttpHeaders.RETRY_AFTER, value -> assertThat(Long.parseLong(value)).isBetween(1L, 61L))
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pairing_attempts WHERE outcome IN ('unknown-code', 'throttled')",
                Integer.class)).isGreaterThanOrEqualTo(11);
        assertThat(events()).isEqualTo(events);
    }

    private WebTestClient.ResponseSpec pair(String code, String device) {
        return anonymous.post().uri("/api/pair").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("code", code, "deviceName", device)).exchange();
    }

    private WebTestClient.ResponseSpec call(WebTestClient client, HttpMethod method, String path) {
        WebTestClient.RequestBodySpec request = client.method(method).uri(path);
        if (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH) {
            return request.contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange();
        }
        return request.exchange();
    }

    private boolean isPublic(HttpMethod method, String path) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.method(method, path));
        return publicEndpoints.stream().flatMap(endpoints -> endpoints.matchers().stream())
                .anyMatch(matcher -> Boolean.TRUE.equals(matcher.matches(exchange).map(result -> result.isMatch()).block()));
    }

    private long events() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry", Long.class);
    }
}
