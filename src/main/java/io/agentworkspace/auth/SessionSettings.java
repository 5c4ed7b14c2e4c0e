package io.agentworkspace.auth;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Browser sessions of the Control Center.
 *
 * @param ttl          how long a session lasts from sign-in (never longer than the token it was signed in with)
 * @param linkValidity how long a sign-in link that {@code ops sign-in-link} prints can be used (once)
 */
@ConfigurationProperties("agent.auth.session")
public record SessionSettings(@DefaultValue("12h") Duration ttl, @DefaultValue("15m") Duration linkValidity) {
}
