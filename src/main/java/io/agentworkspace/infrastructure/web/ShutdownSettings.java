package io.agentworkspace.infrastructure.web;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a node stops.
 *
 * @param proxyGrace how long a stopping node still accepts and answers requests before anything stops
 *                   ({@link ProxySwitchGrace}); 0 on the embedded default, 2 s on the production profile
 */
@ConfigurationProperties("agent.shutdown")
public record ShutdownSettings(@DefaultValue("0s") Duration proxyGrace) {

    public ShutdownSettings {
        if (proxyGrace.isNegative()) {
            throw new IllegalArgumentException("agent.shutdown.proxy-grace must not be negative");
        }
    }
}
