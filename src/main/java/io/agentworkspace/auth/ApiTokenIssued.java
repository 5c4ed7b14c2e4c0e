package io.agentworkspace.auth;

import java.time.Instant;
import java.util.List;

import org.axonframework.serialization.Revision;
import org.springframework.lang.Nullable;

/**
 * A personal access token was issued. Only the SHA-256 of its secret is recorded; the secret itself was shown
 * once, to whoever issued it, and exists nowhere else.
 *
 * @param issuedBy the token id of the issuer, or {@code bootstrap} / {@code pairing:<id>}
 */
@Revision("1")
public record ApiTokenIssued(String tokenId, String name, List<String> abilities, @Nullable String preset,
                             String secretSha256, @Nullable Instant expiresAt, Instant issuedAt, String issuedBy) {
}
