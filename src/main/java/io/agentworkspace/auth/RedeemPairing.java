package io.agentworkspace.auth;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

record RedeemPairing(@TargetAggregateIdentifier String pairingId, String codeHmac, String deviceName,
                     String tokenId, String secretSha256) {
}
