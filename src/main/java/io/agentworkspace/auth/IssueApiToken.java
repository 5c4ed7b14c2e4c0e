package io.agentworkspace.auth;

import java.time.Instant;
import java.util.Set;

import org.springframework.lang.Nullable;

public record IssueApiToken(String tokenId, String name, Set<Ability> abilities, @Nullable Preset preset,
                            String secretSha256, @Nullable Instant expiresAt, String issuedBy) {
}
