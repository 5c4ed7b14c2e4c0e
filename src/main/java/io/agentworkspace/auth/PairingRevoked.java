package io.agentworkspace.auth;

import java.time.Instant;

import org.axonframework.serialization.Revision;
import org.springframework.lang.Nullable;

/** A pairing was revoked: its code can no longer be used, and the paired device's token is revoked with it. */
@Revision("1")
public record PairingRevoked(String pairingId, @Nullable String tokenId, Instant revokedAt, String revokedBy) {
}
