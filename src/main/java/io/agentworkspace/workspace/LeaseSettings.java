package io.agentworkspace.workspace;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param ttl          how long a lease lives without renewal (a crashed holder frees the workspace after this)
 * @param retryBackoff how often a waiting acquirer tries again
 */
@ConfigurationProperties("agent.workspaces.lock")
record LeaseSettings(@DefaultValue("30s") Duration ttl, @DefaultValue("100ms") Duration retryBackoff) {

    Duration renewEvery() {
        return ttl.dividedBy(3);
    }
}
