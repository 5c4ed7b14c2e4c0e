package io.agentworkspace.auth;

import java.time.Instant;
import java.util.Set;

import org.springframework.lang.Nullable;

/** A token as the read model knows it. The secret's hash never leaves the auth module. */
public record TokenRecord(String tokenId, String name, Set<Ability> abilities, @Nullable String preset,
                          @Nullable Instant expiresAt, Instant issuedAt, String issuedBy, @Nullable Instant revokedAt,
                          @Nullable Instant lastUsedAt) {

    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
}
