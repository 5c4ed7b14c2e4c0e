package io.agentworkspace.auth;

import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

import io.agentworkspace.infrastructure.web.Problems;
import io.agentworkspace.infrastructure.web.ProblemWriter;

/**
 * CSRF protection for what a browser sends with its session cookie: a mutating request that carries the cookie
 * (and no bearer token), and sign-in and sign-out, must repeat the {@code XSRF-TOKEN} cookie's value in the
 * {@code X-XSRF-TOKEN} header (double submit; another site can neither read the cookie nor set the header).
 * Requests with a bearer token are not checked: a browser never adds one on another site's behalf.
 */
final class BrowserCsrf {

    static final String COOKIE = "XSRF-TOKEN";
    static final String HEADER = "X-XSRF-TOKEN";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE);

    private BrowserCsrf() {
    }

    static final ServerWebExchangeMatcher REQUIRED = exchange -> {
        ServerHttpRequest request = exchange.getRequest();
        boolean checked = !SAFE.contains(request.getMethod())
                && !request.getHeaders().containsKey(HttpHeaders.AUTHORIZATION)
                && (request.getCookies().getFirst(BrowserSessions.COOKIE) != null
                        || "/api/session".equals(request.getPath().pathWithinApplication().value()));
        return checked ? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch();
    };

    static void configure(ServerHttpSecurity.CsrfSpec csrf, ProblemWriter problems) {
        CookieServerCsrfTokenRepository tokens = CookieServerCsrfTokenRepository.withHttpOnlyFalse();
        tokens.setCookieName(COOKIE);
        tokens.setHeaderName(HEADER);
        tokens.setCookiePath("/");
        tokens.setCookieCustomizer(cookie -> cookie.sameSite("Strict"));
        csrf.csrfTokenRepository(tokens)
                // the plain token, as the cookie holds it: the Control Center echoes the cookie
                .csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler())
                .requireCsrfProtectionMatcher(REQUIRED)
                .accessDeniedHandler((exchange, denied) -> problems.write(exchange, Problems.of(HttpStatus.FORBIDDEN,
                        "csrf-token-invalid", "A browser's change needs the " + HEADER + " header, equal to the "
                                + COOKIE + " cookie; reload the page and retry."),
                        null));
    }
}
