package io.agentworkspace.auth;

import java.time.Clock;
import java.time.Duration;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * Redeems and revokes pairings together with the device's token: the pairing's event and the token's event are
 * written in one transaction, so a phone never holds a token its pairing does not know, nor the reverse.
 */
@Component
class PairingDesk {

    private final Repository<Pairing> pairings;
    private final Repository<ApiToken> tokens;
    private final Clock clock;

    private final Duration deviceTokenTtl;

    @Autowired
    PairingDesk(Repository<Pairing> pairings, Repository<ApiToken> tokens, Clock clock, PairingSettings settings) {
        this(pairings, tokens, clock, settings.deviceTokenTtl());
    }

    PairingDesk(Repository<Pairing> pairings, Repository<ApiToken> tokens, Clock clock, Duration deviceTokenTtl) {
        this.pairings = pairings;
        this.tokens = tokens;
        this.clock = clock;
        this.deviceTokenTtl = deviceTokenTtl;
    }

    @CommandHandler
    void handle(RedeemPairing command) throws Exception {
        Aggregate<Pairing> pairing = load(command.pairingId());
        pairing.execute(p -> p.redeem(command, clock.instant()));
        tokens.newInstance(() -> new ApiToken(new IssueApiToken(command.tokenId(), command.deviceName(),
                Preset.MOBILE.abilities(), Preset.MOBILE, command.secretSha256(), clock.instant().plus(deviceTokenTtl),
                "pairing:" + command.pairingId()), clock));
    }

    @CommandHandler
    void handle(RevokePairing command) {
        Aggregate<Pairing> pairing = load(command.pairingId());
        String[] deviceToken = new String[1];
        pairing.execute(p -> deviceToken[0] = p.revoke(command.revokedBy(), clock.instant()));
        if (deviceToken[0] != null) {
            tokens.load(deviceToken[0]).execute(token -> token.handle(
                    new RevokeApiToken(deviceToken[0], "pairing revoked", command.revokedBy()), clock));
        }
    }

    private Aggregate<Pairing> load(String pairingId) {
        try {
            return pairings.load(pairingId);
        } catch (AggregateNotFoundException e) {
            throw RejectedCommand.notFound("pairing-not-found", "No pairing " + pairingId + ".");
        }
    }
}
