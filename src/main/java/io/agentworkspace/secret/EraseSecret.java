package io.agentworkspace.secret;

public record EraseSecret(String name, String by) {
}
