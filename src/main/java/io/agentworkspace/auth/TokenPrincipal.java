package io.agentworkspace.auth;

import java.time.Instant;
import java.util.Set;

import org.springframework.lang.Nullable;

/**
 * The caller of an authenticated request: the token it presented.
 *
 * @param budget the token whose request budget this one spends: the parent of a browser session (all sessions of
 *               one token share its budget), the token itself otherwise
 */
public record TokenPrincipal(String tokenId, String name, Set<Ability> abilities, @Nullable String preset,
                             @Nullable Instant expiresAt, String budget) {

    public boolean can(Ability ability) {
        return abilities.contains(Ability.ALL) || abilities.contains(ability);
    }
}
