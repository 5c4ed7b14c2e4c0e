package io.agentworkspace.auth;

import java.time.Instant;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.springframework.lang.Nullable;

/** The commands of the pairing flow. */
final class PairingCommands {

    private PairingCommands() {
    }

    record IssuePairingCode(String pairingId, String codeHmac, @Nullable String label, Instant expiresAt,
                            String issuedBy) {
    }

    record RedeemPairing(@TargetAggregateIdentifier String pairingId, String codeHmac, String deviceName,
                         String tokenId, String secretSha256) {
    }

    record RevokePairing(@TargetAggregateIdentifier String pairingId, String revokedBy) {
    }
}
