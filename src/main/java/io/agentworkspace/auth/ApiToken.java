package io.agentworkspace.auth;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Clock;
import java.util.Comparator;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/** A personal access token's life: issued once, revoked at most once. */
@Aggregate
class ApiToken {

    @AggregateIdentifier
    private String tokenId;
    private boolean revoked;

    protected ApiToken() {
    }

    @CommandHandler
    ApiToken(IssueApiToken command, Clock clock) {
        apply(new ApiTokenIssued(command.tokenId(), command.name(),
                command.abilities().stream().sorted(Comparator.naturalOrder()).map(Ability::wireName).toList(),
                command.preset() == null ? null : command.preset().wireName(), command.secretSha256(),
                command.expiresAt(), clock.instant(), command.issuedBy()));
    }

    /** @return whether this command revoked it (false when it already was): a one-time use has one winner */
    @CommandHandler
    boolean handle(RevokeApiToken command, Clock clock) {
        if (revoked) {
            return false;
        }
        apply(new ApiTokenRevoked(tokenId, command.reason(), clock.instant(), command.revokedBy()));
        return true;
    }

    @EventSourcingHandler
    void on(ApiTokenIssued event) {
        tokenId = event.tokenId();
    }

    @EventSourcingHandler
    void on(ApiTokenRevoked event) {
        revoked = true;
    }
}
