package io.agentworkspace.secret;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/**
 * A secret got a value for the first time (or again after an erase), under a new data key. Only the ciphertext,
 * the data key's id, a keyed fingerprint and a masked hint are recorded; the data key lives outside the history.
 */
@Revision("1")
public record SecretSet(String name, long version, String keyId, String ciphertext, String fingerprint, String hint,
                        Instant setAt, String setBy) {
}
