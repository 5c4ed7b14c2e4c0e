package io.agentworkspace.auth;

import java.time.Instant;

import org.axonframework.serialization.Revision;
import org.springframework.lang.Nullable;

/** An operator created a single-use code to pair a phone; only the code's SHA-256 is recorded. */
@Revision("1")
public record PairingCodeIssued(String pairingId, String codeSha256, @Nullable String label, Instant expiresAt,
                                Instant issuedAt, String issuedBy) {
}
