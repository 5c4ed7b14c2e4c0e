package io.agentworkspace.infrastructure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The installation's master key, the one secret every node must share: the secret module wraps its data keys
 * with it and auth derives the pairing-code key from it. Bound here, not in either module, because both read it
 * and auth must not depend on secret.
 *
 * @param masterKey     the key itself, base64 of 32 bytes ({@code AGENT_MASTER_KEY}); empty: read from the file
 * @param masterKeyFile a file holding it; empty: {@code <data>/master.key}, generated on the embedded default only
 */
@ConfigurationProperties("agent.secrets")
public record MasterKeySettings(@DefaultValue("") String masterKey, @DefaultValue("") String masterKeyFile) {
}
