package io.agentworkspace.auth;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * API tokens and browser sessions.
 *
 * @param bootstrapAdminToken on a first start with no token ever issued, issue an admin token into
 *                            {@code <data>/admin-token}
 * @param watchInterval       how often open streams check that their token is still valid
 * @param session             browser sessions of the Control Center
 */
@ConfigurationProperties("agent.auth")
public record AuthSettings(@DefaultValue("true") boolean bootstrapAdminToken,
                           @DefaultValue("1s") Duration watchInterval,
                           @DefaultValue Session session) {

    /**
     * @param ttl          how long a session lasts from sign-in (never longer than the token it was signed in with)
     * @param linkValidity how long a sign-in link that {@code ops sign-in-link} prints can be used (once)
     */
    public record Session(@DefaultValue("12h") Duration ttl, @DefaultValue("15m") Duration linkValidity) {
    }
}
