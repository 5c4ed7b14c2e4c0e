package io.agentworkspace.secret;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/**
 * A secret was erased: its data key was destroyed in the same transaction, so every earlier ciphertext of it in the
 * history can no longer be decrypted by anyone (crypto-shredding), while the events themselves stay.
 */
@Revision("1")
public record SecretErased(String name, String keyId, long lastVersion, Instant erasedAt, String erasedBy) {
}
