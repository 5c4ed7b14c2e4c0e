package io.agentworkspace.secret;

import java.time.Instant;

import org.springframework.lang.Nullable;

/** A secret as the API shows it: never its value, never its ciphertext. */
public record SecretView(String name, long version, @Nullable String hint, @Nullable String fingerprint,
                         Instant createdAt, Instant updatedAt, String updatedBy, @Nullable Instant erasedAt) {
}
