package io.agentworkspace.infrastructure.web;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * HTTP edge settings ({@code agent.http.*}).
 *
 * @param trustedProxies addresses (CIDR) of the reverse proxies in front of the service: only a request from one of
 *                       them has its client taken from {@code X-Forwarded-For}, read from the right, past every
 *                       trusted hop. Empty: the peer address is the client, forwarded headers are ignored
 * @param rateLimits     request limits of the API per token and per client address
 */
@ConfigurationProperties("agent.http")
public record HttpSettings(@DefaultValue List<String> trustedProxies, @DefaultValue RateLimits rateLimits) {

    /**
     * Fixed one-minute windows, per node. Covered: {@code /api/**} and {@code /broadcasting/auth}; not the Pusher
     * HTTP API (signed requests, publishers send thousands a second), not {@code /app/*} (connections are capped
     * instead), not the management port. {@code POST /api/pair} has its own, stricter limit.
     *
     * @param enabled               whether the API is rate-limited at all
     * @param perTokenPerMinute     requests one token may make in a minute
     * @param perAddressPerMinute   requests without a valid token one client address may make in a minute
     * @param maxTracked            clients tracked at once (memory bound); past it new clients are refused until
     *                              windows expire
     */
    public record RateLimits(@DefaultValue("true") boolean enabled, @DefaultValue("12000") int perTokenPerMinute,
                             @DefaultValue("1200") int perAddressPerMinute, @DefaultValue("100000") int maxTracked) {

        /** Whether requests to this path count against the limits (the OpenAPI document lists 429 for these). */
        public static boolean covers(String path) {
            return (path.startsWith("/api/") && !path.equals("/api/pair")) || path.equals("/broadcasting/auth");
        }
    }
}
