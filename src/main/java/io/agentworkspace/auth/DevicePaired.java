package io.agentworkspace.auth;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** A phone redeemed a pairing code and received a token with the mobile preset. */
@Revision("1")
public record DevicePaired(String pairingId, String deviceName, String tokenId, Instant pairedAt) {
}
