package io.agentworkspace.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;

import org.springframework.lang.Nullable;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.RejectedCommand;
import reactor.core.publisher.Mono;

/**
 * Browser sign-in. A session is a token of its own, issued (as an event) for the token the person signed in with:
 * the same abilities, an expiry never beyond that token's, revoked at sign-out, and revoked with that token (the
 * read model joins a session to its parent). The browser keeps it in an HttpOnly cookie; authentication, abilities,
 * expiry and the watch that ends long-lived streams on revocation are the tokens' own.
 * <p>
 * A sign-in link holds a short-lived token issued for that purpose ({@link #LINK_ISSUER}); signing in with it
 * consumes it (exactly one sign-in wins), and the session then stands on its own.
 */
@Component
public class BrowserSessions {

    /** The cookie that carries a session's token. */
    public static final String COOKIE = "aw_session";
    /** {@code issuedBy} of the tokens sign-in links hold. */
    public static final String LINK_ISSUER = "sign-in-link";
    static final String SESSION_OF = "session:";
    static final String FROM_LINK = "sign-in-link:";
    private static final int MAX_NAME = 100;

    /** A started session with its token's plaintext, which goes into the cookie and nowhere else. */
    public record Session(TokenRecord token, String plaintext) {
        @Override
        public String toString() {
            return "Session[" + token.tokenId() + "]";
        }
    }

    private final TokenAuthenticationManager authentication;
    private final ApiTokens tokens;
    private final TokenIssuance issuance;
    private final AuthSettings.Session settings;
    private final Clock clock;

    BrowserSessions(TokenAuthenticationManager authentication, ApiTokens tokens, TokenIssuance issuance,
                    AuthSettings settings, Clock clock) {
        this.authentication = authentication;
        this.tokens = tokens;
        this.issuance = issuance;
        this.settings = settings.session();
        this.clock = clock;
    }

    /** Checks the presented token and starts a session for it; an unusable token is refused as any bad token is. */
    public Mono<Session> signIn(String presentedToken) {
        return authentication.verify(presentedToken)
                .switchIfEmpty(Mono.error(() -> new BadCredentialsException(TokenAuthenticationManager.INVALID)))
                .flatMap(token -> {
                    if (isSession(token.issuedBy())) {
                        return Mono.error(RejectedCommand.invalid("session-token", "token",
                                "this is a browser session's token; sign in with an API token"));
                    }
                    return LINK_ISSUER.equals(token.issuedBy()) ? fromLink(token) : childOf(token);
                })
                .map(issued -> new Session(issued.token(), issued.plaintext()));
    }

    /** Ends the caller's session (revokes its token); a bearer token that is not a session is left alone. */
    public Mono<Void> signOut(TokenPrincipal caller) {
        return tokens.byId(caller.tokenId())
                .filter(token -> isSession(token.issuedBy()) && token.revokedAt() == null)
                .flatMap(session -> issuance.revoke(session.tokenId(), "signed out", session.tokenId()))
                .then();
    }

    public static boolean isSession(@Nullable String issuedBy) {
        return issuedBy != null && (issuedBy.startsWith(SESSION_OF) || issuedBy.startsWith(FROM_LINK));
    }

    /** Issues the token a sign-in link carries: usable once, within {@code agent.auth.session.link-validity}. */
    public Mono<TokenIssuance.Issued> issueLink(Preset preset) {
        return issuance.issue("sign-in link", EnumSet.copyOf(preset.abilities()), preset,
                clock.instant().plus(settings.linkValidity()), LINK_ISSUER);
    }

    private Mono<TokenIssuance.Issued> childOf(TokenRecord parent) {
        Instant expiry = clock.instant().plus(settings.ttl());
        if (parent.expiresAt() != null && parent.expiresAt().isBefore(expiry)) {
            expiry = parent.expiresAt();
        }
        return issuance.issue(name(parent.name()), parent.abilities(), preset(parent), expiry, SESSION_OF + parent.tokenId());
    }

    private Mono<TokenIssuance.Issued> fromLink(TokenRecord link) {
        return issuance.consume(link.tokenId(), "used to sign in", link.tokenId())
                .flatMap(won -> won
                        ? issuance.issue("browser session", link.abilities(), preset(link),
                                clock.instant().plus(settings.ttl()), FROM_LINK + link.tokenId())
                        : Mono.error(new BadCredentialsException(TokenAuthenticationManager.INVALID)));
    }

    private static String name(String parentName) {
        String name = parentName + " (browser)";
        return name.length() <= MAX_NAME ? name : parentName.substring(0, MAX_NAME - 10) + " (browser)";
    }

    @Nullable
    private static Preset preset(TokenRecord token) {
        return token.preset() == null ? null : Preset.ofWireName(token.preset()).orElse(null);
    }
}
