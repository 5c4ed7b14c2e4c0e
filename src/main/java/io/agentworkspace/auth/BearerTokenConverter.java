package io.agentworkspace.auth;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/** {@code Authorization: Bearer <token>}; no header means anonymous, a malformed one is refused. */
final class BearerTokenConverter implements ServerAuthenticationConverter {

    private static final int MAX_LENGTH = 512;

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return Mono.empty();
        }
        if (header.length() > MAX_LENGTH || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Mono.error(new BadCredentialsException(TokenAuthenticationManager.INVALID));
        }
        return Mono.just(new PresentedToken(header.substring(7).strip()));
    }
}
