package io.agentworkspace.secret;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** A secret's value was replaced; sealed with the same data key as its earlier versions. */
@Revision("1")
public record SecretRotated(String name, long version, String keyId, String ciphertext, String fingerprint, String hint,
                            Instant rotatedAt, String rotatedBy) {
}
