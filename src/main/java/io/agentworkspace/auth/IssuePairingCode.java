package io.agentworkspace.auth;

import java.time.Instant;

import org.springframework.lang.Nullable;

record IssuePairingCode(String pairingId, String codeHmac, @Nullable String label, Instant expiresAt,
                        String issuedBy) {
}
