package io.agentworkspace.auth;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** A token was revoked; it stops working at once, open streams included. */
@Revision("1")
public record ApiTokenRevoked(String tokenId, String reason, Instant revokedAt, String revokedBy) {
}
