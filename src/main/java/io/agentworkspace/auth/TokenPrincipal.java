package io.agentworkspace.auth;

import java.time.Instant;
import java.util.Set;

import org.springframework.lang.Nullable;

/** The caller of an authenticated request: the token it presented. */
public record TokenPrincipal(String tokenId, String name, Set<Ability> abilities, @Nullable String preset,
                             @Nullable Instant expiresAt) {

    public boolean can(Ability ability) {
        return abilities.contains(Ability.ALL) || abilities.contains(ability);
    }
}
