package io.agentworkspace.auth;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * The browser session's cookie, taken only when the request carries no {@code Authorization} header: a bearer
 * token always wins, so scripts and phones are never affected by a cookie.
 */
final class SessionCookieConverter implements ServerAuthenticationConverter {

    private static final int MAX_LENGTH = 512;

    static final ServerWebExchangeMatcher CARRIES_SESSION = exchange ->
            !exchange.getRequest().getHeaders().containsKey(HttpHeaders.AUTHORIZATION)
                    && exchange.getRequest().getCookies().getFirst(BrowserSessions.COOKIE) != null
                    ? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch();

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        HttpCookie cookie = exchange.getRequest().getCookies().getFirst(BrowserSessions.COOKIE);
        if (cookie == null || cookie.getValue().isEmpty() || cookie.getValue().length() > MAX_LENGTH) {
            return Mono.empty();
        }
        return Mono.just(new PresentedToken(cookie.getValue()));
    }
}
