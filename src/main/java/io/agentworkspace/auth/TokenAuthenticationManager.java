package io.agentworkspace.auth;

import java.time.Clock;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * Checks a presented bearer token against the read model: known, not revoked, not expired, secret matching (in
 * constant time). Every failure reads the same to the caller, so a response never tells which part was wrong.
 */
@Component
class TokenAuthenticationManager implements ReactiveAuthenticationManager {

    static final String INVALID = "The bearer token is malformed, unknown, expired or revoked.";

    private final ApiTokens tokens;
    private final Clock clock;

    TokenAuthenticationManager(ApiTokens tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /**
     * A sign-in link's token is a credential for {@code POST /api/session} alone (once, through
     * {@link BrowserSessions#signIn}); as a bearer token or a cookie it is refused like any bad token.
     */
    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        return verify(((PresentedToken) authentication).text())
                .filter(token -> !BrowserSessions.LINK_ISSUER.equals(token.issuedBy()))
                .switchIfEmpty(Mono.error(() -> new BadCredentialsException(INVALID)))
                .flatMap(token -> tokens.touch(token.tokenId()).thenReturn(token))
                .map(token -> new TokenAuthentication(new TokenPrincipal(token.tokenId(), token.name(),
                        token.abilities(), token.preset(), token.expiresAt(), budgetOf(token))));
    }

    private static String budgetOf(TokenRecord token) {
        String issuedBy = token.issuedBy();
        return issuedBy != null && issuedBy.startsWith(BrowserSessions.SESSION_OF)
                ? issuedBy.substring(BrowserSessions.SESSION_OF.length()) : token.tokenId();
    }

    /** The stored token the text names, when its secret matches and it is usable now; empty otherwise. */
    Mono<TokenRecord> verify(String text) {
        return Mono.justOrEmpty(TokenSecrets.parse(text))
                .flatMap(presented -> tokens.stored(presented.tokenId())
                        .filter(stored -> stored.token().usableAt(clock.instant())
                                && TokenSecrets.matches(presented.secret(), stored.secretSha256())))
                .map(ApiTokens.Stored::token);
    }
}
