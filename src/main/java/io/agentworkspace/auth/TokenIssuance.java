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

    public Mono<TokenRecord> revoke(String tokenId, String reason, String revokedBy) {
        return tokens.byId(tokenId)
                .switchIfEmpty(Mono.error(() -> RejectedCommand.notFound("token-not-found", "No token " + tokenId + ".")))
                .flatMap(existing -> commands.send(new RevokeApiToken(tokenId, reason, revokedBy))
                        .then(tokens.awaitState(tokenId, token -> token.revokedAt() != null, READ_YOUR_WRITES)));
    }

    /** Revokes a single-use token; true for the one caller whose revocation it was. */
    Mono<Boolean> consume(String tokenId, String reason, String revokedBy) {
        return commands.<Boolean>send(new RevokeApiToken(tokenId, reason, revokedBy))
                .flatMap(won -> tokens.awaitState(tokenId, token -> token.revokedAt() != null, READ_YOUR_WRITES)
                        .thenReturn(Boolean.TRUE.equals(won)));
    }
}
