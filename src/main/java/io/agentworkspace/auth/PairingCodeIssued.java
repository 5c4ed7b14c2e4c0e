package io.agentworkspace.auth;

import java.time.Instant;

import org.axonframework.serialization.Revision;
import org.springframework.lang.Nullable;

/**
 * An operator created a single-use code to pair a phone. Only a keyed hash of the code is recorded (HMAC-SHA256
 * under the server's pairing key, {@link PairingCodeKey}): readers of the history cannot search the code space.
 * Revision 1 held an unkeyed SHA-256; it is read as revision 2 with no usable hash.
 */
@Revision("2")
public record PairingCodeIssued(String pairingId, String codeHmac, @Nullable String label, Instant expiresAt,
                                Instant issuedAt, String issuedBy) {
}
