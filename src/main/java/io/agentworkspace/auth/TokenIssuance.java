package io.agentworkspace.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.BlockingWork;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.axon.Commands;
import reactor.core.publisher.Mono;

/**
 * Issues and revokes tokens for the API, the pairing flow and the bootstrap. Returns only once the read model
 * shows the change, so a token works, or stops working, as soon as the call returns.
 */
@Component
public class TokenIssuance {

    /** An issued token with its plaintext, which is shown this once and stored nowhere. */
    public record Issued(TokenRecord token, String plaintext) {
        @Override
        public String toString() {
            return "Issued[" + token.tokenId() + "]";
        }
    }

    private static final Duration READ_YOUR_WRITES = Duration.ofSeconds(10);

    private final Commands commands;
    private final BlockingWork blocking;
    private final ApiTokens tokens;

    TokenIssuance(Commands commands, BlockingWork blocking, ApiTokens tokens) {
        this.commands = commands;
        this.blocking = blocking;
        this.tokens = tokens;
    }

    public Mono<Issued> issue(String name, Set<Ability> abilities, @Nullable Preset preset, @Nullable Instant expiresAt,
                              String issuedBy) {
        return blocking.call(TokenSecrets::mint)
                .flatMap(minted -> commands.send(new IssueApiToken(minted.tokenId(), name, abilities, preset,
                                minted.secretSha256(), expiresAt, issuedBy))
                        .then(tokens.awaitState(minted.tokenId(), token -> true, READ_YOUR_WRITES))
                        .switchIfEmpty(Mono.error(() -> new RejectedCommand(RejectedCommand.Reason.UNAVAILABLE,
                                "projection-lagging", null, "The token was issued but is not usable yet; retry shortly.")))
                        .map(token -> new Issued(token, minted.plaintext())));
    }

    /**
     * Revokes a token on behalf of {@code caller}, who must hold every ability the token has: a narrower token
     * cannot revoke a wider one (the bootstrap admin token above all). Tokens it issued are revoked with it.
     */
    public Mono<TokenRecord> revoke(String tokenId, String reason, TokenPrincipal caller) {
        return tokens.byId(tokenId)
                .switchIfEmpty(Mono.error(() -> RejectedCommand.notFound("token-not-found", "No token " + tokenId + ".")))
                .flatMap(existing -> {
                    if (!Ability.expand(caller.abilities()).containsAll(Ability.expand(existing.abilities()))) {
                        return Mono.error(RejectedCommand.invalid("revocation-not-allowed", "id",
                                "a token can only revoke tokens whose abilities it holds itself"));
                    }
                    return revoke(tokenId, reason, caller.tokenId());
                });
    }

    /**
     * Renews a token that expires: a new token with the same name and abilities, valid for as long again as the old
     * one was when issued, from the same issuer; the old one is revoked. A phone that keeps using its token keeps
     * it alive; one left unused expires.
     */
    public Mono<Issued> renew(TokenPrincipal caller) {
        return tokens.byId(caller.tokenId())
                .switchIfEmpty(Mono.error(() -> RejectedCommand.notFound("token-not-found", "No token.")))
                .flatMap(current -> {
                    if (current.expiresAt() == null) {
                        return Mono.error(RejectedCommand.invalid("token-does-not-expire", "token",
                                "only tokens that expire are renewed"));
                    }
                    java.time.Duration lifetime = java.time.Duration.between(current.issuedAt(), current.expiresAt());
                    return issue(current.name(), current.abilities(), current.preset() == null ? null
                                    : Preset.ofWireName(current.preset()).orElse(null),
                            Instant.now().plus(lifetime), current.issuedBy())
                            .flatMap(renewed -> commands.send(new RevokeApiToken(current.tokenId(), "renewed",
                                            current.tokenId()))
                                    .then(tokens.awaitState(current.tokenId(), token -> token.revokedAt() != null,
                                            READ_YOUR_WRITES))
                                    .thenReturn(renewed));
                });
    }

    /** Revokes a token and, with it, every token it issued, down the line: none outlives its issuer. */
    public Mono<TokenRecord> revoke(String tokenId, String reason, String revokedBy) {
        return tokens.byId(tokenId)
                .switchIfEmpty(Mono.error(() -> RejectedCommand.notFound("token-not-found", "No token " + tokenId + ".")))
                .flatMap(existing -> commands.send(new RevokeApiToken(tokenId, reason, revokedBy))
                        .then(tokens.awaitState(tokenId, token -> token.revokedAt() != null, READ_YOUR_WRITES)))
                .flatMap(revoked -> revokeIssuedBy(tokenId, revokedBy).thenReturn(revoked));
    }

    /** Revokes the live tokens issued by {@code issuer} (a token id, or {@code pairing:<id>}) and theirs. */
    public Mono<Void> revokeIssuedBy(String issuer, String revokedBy) {
        return tokens.all().filter(token -> issuer.equals(token.issuedBy()) && token.revokedAt() == null)
                .concatMap(child -> revoke(child.tokenId(), "its issuer was revoked", revokedBy))
                .then();
    }

    /** Revokes a single-use token; true for the one caller whose revocation it was. */
    Mono<Boolean> consume(String tokenId, String reason, String revokedBy) {
        return commands.<Boolean>send(new RevokeApiToken(tokenId, reason, revokedBy))
                .flatMap(won -> tokens.awaitState(tokenId, token -> token.revokedAt() != null, READ_YOUR_WRITES)
                        .thenReturn(Boolean.TRUE.equals(won)));
    }
}
