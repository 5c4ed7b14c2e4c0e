package io.agentworkspace.secret;

/** Sets or rotates a secret. Travels only in memory, on the local command bus; the value is redacted in logs. */
public record SetSecret(String name, SecretValue value, String by) {
}
