package io.agentworkspace.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.support.ApiCaptures;
import io.agentworkspace.support.EmbeddedApp;

/**
 * Browser sessions over real HTTP on the embedded profile: signing in sets an HttpOnly, SameSite=Strict cookie
 * whose session has its token's abilities and never outlives it, works for the API and the console's SSE, ends at
 * sign-out and when the token it came from is revoked; sign-in links work once; cookie requests that change
 * something need the CSRF header, bearer requests do not.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agent.auth.session.ttl=2h", "agent.auth.watch-interval=200ms"})
class BrowserSessionIT {

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "session-it");
    }

    @LocalServerPort
    int port;
    @Autowired
    TokenIssuance issuance;
    @Autowired
    BrowserSessions sessions;

    /** A browser: no bearer token; the CSRF cookie a page load sets, echoed in the header. */
    private WebTestClient browser() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).filter(ApiCaptures.filter())
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    private String csrf(WebTestClient client) {
        ResponseCookie cookie = client.get().uri("/").exchange().expectStatus().isOk()
                .expectHeader().valueMatches("Content-Security-Policy", ".*script-src 'self'.*")
                .returnResult(String.class).getResponseCookies().getFirst("XSRF-TOKEN");
        assertThat(cookie).as("the CSRF cookie the page sets").isNotNull();
        assertThat(cookie.isHttpOnly()).as("scripts must read it to echo it").isFalse();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        return cookie.getValue();
    }

    private EntityExchangeResult<JsonNode> signIn(WebTestClient client, String csrf, String token) {
        return client.post().uri("/api/session").cookie("XSRF-TOKEN", csrf).header("X-XSRF-TOKEN", csrf)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("token", token)).exchange()
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult();
    }

    private WebTestClient withSession(WebTestClient client, String session, String csrf) {
        return client.mutate().defaultCookie(BrowserSessions.COOKIE, session).defaultCookie("XSRF-TOKEN", csrf)
                .defaultHeader("X-XSRF-TOKEN", csrf).build();
    }

    @Test
    void aSessionActsForItsTokenUntilSignOut() {
        Instant parentExpiry = Instant.now().plus(Duration.ofMinutes(30));
        TokenIssuance.Issued parent = issuance.issue("alice", EnumSet.of(Ability.PROJECTS_READ, Ability.CONSOLE_SUBSCRIBE),
                null, parentExpiry, "test").block();
        WebTestClient client = browser();
        client.get().uri("/api/session").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.signedIn").isEqualTo(false);
        String csrf = csrf(client);
        EntityExchangeResult<JsonNode> signedIn = signIn(client, csrf, parent.plaintext());
        ResponseCookie cookie = signedIn.getResponseCookies().getFirst(BrowserSessions.COOKIE);
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getPath()).isEqualTo("/");
        JsonNode me = signedIn.getResponseBody();
        assertThat(me.toString()).doesNotContain(parent.plaintext()).doesNotContain(cookie.getValue());
        assertThat(me.get("tokenId").asText()).isNotEqualTo(parent.token().tokenId());
        assertThat(me.get("name").asText()).isEqualTo("alice (browser)");
        assertThat(me.get("abilities")).hasSize(2);
        assertThat(Instant.parse(me.get("expiresAt").asText())).as("never beyond its token")
                .isCloseTo(parentExpiry, org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MILLIS));
        assertThat(cookie.getMaxAge().toSeconds()).isBetween(1700L, 1800L);

        WebTestClient session = withSession(client, cookie.getValue(), csrf);
        session.get().uri("/api/session").exchange().expectBody().jsonPath("$.signedIn").isEqualTo(true)
                .jsonPath("$.me.name").isEqualTo("alice (browser)");
        session.get().uri("/api/projects").exchange().expectStatus().isOk();
        session.get().uri("/api/tokens").exchange().expectStatus().isForbidden();
        // the console's SSE under the cookie, as a native EventSource asks for it
        org.springframework.core.io.buffer.DataBuffer opened = session.get().uri("/api/console/stream?channel=private-ops")
                .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isOk()
                .returnResult(org.springframework.core.io.buffer.DataBuffer.class).getResponseBody()
                .blockFirst(Duration.ofSeconds(10));
        assertThat(opened.toString(java.nio.charset.StandardCharsets.UTF_8)).startsWith("retry: ");

        session.delete().uri("/api/session").exchange().expectStatus().isNoContent()
                .expectHeader().valueMatches(HttpHeaders.SET_COOKIE, BrowserSessions.COOKIE + "=; .*Max-Age=0.*");
        session.get().uri("/api/projects").exchange().expectStatus().isUnauthorized()
                .expectHeader().valueMatches(HttpHeaders.SET_COOKIE, BrowserSessions.COOKIE + "=;.*Max-Age=0.*");
        withBearer(parent.plaintext()).get().uri("/api/projects").exchange().expectStatus().isOk();
    }

    @Test
    void revokingTheTokenEndsItsSessionsAndTheirStreams() {
        TokenIssuance.Issued parent = issuance.issue("bob", EnumSet.of(Ability.ALL), Preset.ADMIN, null, "test").block();
        WebTestClient client = browser();
        String csrf = csrf(client);
        String cookie = signIn(client, csrf, parent.plaintext()).getResponseCookies().getFirst(BrowserSessions.COOKIE).getValue();
        WebTestClient session = withSession(client, cookie, csrf);
        session.get().uri("/api/tokens").exchange().expectStatus().isOk();
        var stream = session.get().uri("/api/console/stream?channel=private-ops").accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isOk().returnResult(String.class).getResponseBody();
        CompletableFuture<List<String>> lines = stream.collectList().toFuture();

        issuance.revoke(parent.token().tokenId(), "test", "test").block();
        session.get().uri("/api/tokens").exchange().expectStatus().isUnauthorized();
        assertThat(lines.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join())
                .as("the stream ends, saying why").anyMatch(line -> line.contains("token-invalid"));
    }

    @Test
    void aSignInLinkWorksOnceAndItsSessionStandsOnItsOwn() {
        TokenIssuance.Issued link = sessions.issueLink(Preset.OPERATOR).block();
        assertThat(link.token().expiresAt()).isBefore(Instant.now().plus(Duration.ofMinutes(16)));
        // before it is used, the link's token is no API credential either: not as a bearer token, not as a cookie
        withBearer(link.plaintext()).get().uri("/api/me").exchange().expectStatus().isUnauthorized();
        withBearer(link.plaintext()).post().uri("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "minted-from-a-link")).exchange().expectStatus().isUnauthorized();
        browser().get().uri("/api/me").cookie(BrowserSessions.COOKIE, link.plaintext()).exchange()
                .expectStatus().isUnauthorized();
        WebTestClient first = browser();
        WebTestClient second = browser();
        String csrfFirst = csrf(first);
        String csrfSecond = csrf(second);
        var answers = List.of(
                CompletableFuture.supplyAsync(() -> first.post().uri("/api/session").cookie("XSRF-TOKEN", csrfFirst)
                        .header("X-XSRF-TOKEN", csrfFirst).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("token", link.plaintext())).exchange().returnResult(JsonNode.class)),
                CompletableFuture.supplyAsync(() -> second.post().uri("/api/session").cookie("XSRF-TOKEN", csrfSecond)
                        .header("X-XSRF-TOKEN", csrfSecond).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("token", link.plaintext())).exchange().returnResult(JsonNode.class)));
        List<Integer> statuses = answers.stream().map(answer -> answer.join().getStatus().value()).sorted().toList();
        assertThat(statuses).as("two browsers racing with one link").containsExactly(201, 401);
        var winner = answers.stream().map(CompletableFuture::join).filter(answer -> answer.getStatus().value() == 201)
                .findFirst().orElseThrow();
        String cookie = winner.getResponseCookies().getFirst(BrowserSessions.COOKIE).getValue();
        assertThat(Instant.parse(winner.getResponseBody().blockFirst().get("expiresAt").asText()))
                .as("the session's own life, not the link's").isAfter(Instant.now().plus(Duration.ofMinutes(100)));
        withBearer(link.plaintext()).get().uri("/api/me").exchange().expectStatus().isUnauthorized();
        browser().get().uri("/api/projects").cookie(BrowserSessions.COOKIE, cookie).exchange().expectStatus().isOk();
        browser().post().uri("/api/session").cookie("XSRF-TOKEN", csrfFirst).header("X-XSRF-TOKEN", csrfFirst)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("token", link.plaintext())).exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void cookieRequestsThatChangeSomethingNeedTheCsrfHeaderAndBearerRequestsDoNot() {
        TokenIssuance.Issued admin = issuance.issue("carol", EnumSet.of(Ability.ALL), Preset.ADMIN, null, "test").block();
        WebTestClient client = browser();
        String csrf = csrf(client);
        client.post().uri("/api/session").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("token", admin.plaintext()))
                .exchange().expectStatus().isForbidden().expectBody().jsonPath("$.type").isEqualTo("/problems/csrf-token-invalid");
        String cookie = signIn(client, csrf, admin.plaintext()).getResponseCookies().getFirst(BrowserSessions.COOKIE).getValue();
        WebTestClient noHeader = client.mutate().defaultCookie(BrowserSessions.COOKIE, cookie).build();
        noHeader.put().uri("/api/secrets/csrf.probe").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("value", "never-set-by-a-forged-request")).exchange().expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        noHeader.put().uri("/api/secrets/csrf.probe").cookie("XSRF-TOKEN", csrf).header("X-XSRF-TOKEN", "another")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("value", "never-set-by-a-forged-request"))
                .exchange().expectStatus().isForbidden();
        noHeader.delete().uri("/api/session").exchange().expectStatus().isForbidden();
        withBearer(admin.plaintext()).get().uri("/api/secrets/csrf.probe").exchange().expectStatus().isNotFound();
        noHeader.get().uri("/api/me").exchange().expectStatus().isOk();
        withBearer(admin.plaintext()).put().uri("/api/secrets/csrf.bearer").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("value", "bearer-requests-need-no-csrf-header")).exchange().expectStatus().isCreated();
    }

    @Test
    void badTokensAreRefusedAlike() {
        WebTestClient client = browser();
        String csrf = csrf(client);
        for (String token : List.of("aw_0123456789abcdef." + "A".repeat(43), "not-a-token", "x".repeat(600))) {
            client.post().uri("/api/session").cookie("XSRF-TOKEN", csrf).header("X-XSRF-TOKEN", csrf)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("token", token)).exchange()
                    .expectStatus().value(status -> assertThat(status).isIn(400, 401))
                    .expectHeader().doesNotExist(HttpHeaders.SET_COOKIE);
        }
        client.get().uri("/api/me").cookie(BrowserSessions.COOKIE, "aw_0123456789abcdef." + "A".repeat(43)).exchange()
                .expectStatus().isUnauthorized();
        client.get().uri("/").cookie(BrowserSessions.COOKIE, "garbage").exchange().expectStatus().isOk();
    }

    private WebTestClient withBearer(String token) {
        return browser().mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token).build();
    }
}
