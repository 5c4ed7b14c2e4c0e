package io.agentworkspace.auth;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * Counts attempts per key in fixed windows and says whether one more is allowed. Redis-backed when Redis is on
 * (so every node counts together), in memory otherwise.
 */
public interface AttemptLimiter {

    /** @param retryAfter when refused, how long until the window resets */
    record Decision(boolean allowed, long attempts, Duration retryAfter) {
    }

    Mono<Decision> attempt(String key, int limit, Duration window);
}
