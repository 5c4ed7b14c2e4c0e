package io.agentworkspace.auth;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Clock;
import java.time.Instant;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import io.agentworkspace.infrastructure.RejectedCommand;

/** A pairing code's life: issued, then redeemed once before it expires, or revoked. */
@Aggregate
class Pairing {

    /** One answer for every unusable code, so a caller learns nothing about which codes exist. */
    static final String UNUSABLE = "The pairing code is wrong, expired or already used.";

    @AggregateIdentifier
    private String pairingId;
    private String codeHmac;
    private Instant expiresAt;
    private boolean used;
    private boolean revoked;
    private String tokenId;

    protected Pairing() {
    }

    @CommandHandler
    Pairing(IssuePairingCode command, Clock clock) {
        apply(new PairingCodeIssued(command.pairingId(), command.codeHmac(), command.label(), command.expiresAt(),
                clock.instant(), command.issuedBy()));
    }

    /** Records the redemption; the caller creates the device's token in the same unit of work. */
    void redeem(RedeemPairing command, Instant now) {
        if (used || revoked || !now.isBefore(expiresAt) || codeHmac.isEmpty()
                || !java.security.MessageDigest.isEqual(codeHmac.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        command.codeHmac().getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            throw RejectedCommand.invalid("invalid-pairing-code", "code", UNUSABLE);
        }
        apply(new DevicePaired(pairingId, command.deviceName(), command.tokenId(), now));
    }

    /** @return the device token to revoke with it, if the pairing was redeemed */
    String revoke(String revokedBy, Instant now) {
        if (revoked) {
            return null;
        }
        apply(new PairingRevoked(pairingId, tokenId, now, revokedBy));
        return tokenId;
    }

    @EventSourcingHandler
    void on(PairingCodeIssued event) {
        pairingId = event.pairingId();
        codeHmac = event.codeHmac();
        expiresAt = event.expiresAt();
    }

    @EventSourcingHandler
    void on(DevicePaired event) {
        used = true;
        tokenId = event.tokenId();
    }

    @EventSourcingHandler
    void on(PairingRevoked event) {
        revoked = true;
    }
}
