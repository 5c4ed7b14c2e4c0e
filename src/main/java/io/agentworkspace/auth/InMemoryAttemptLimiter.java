package io.agentworkspace.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * Fixed windows in this node's memory, bounded: past {@code maxKeys} live windows (after expired ones are purged)
 * an attempt under a new key is refused until windows expire, so a flood of distinct keys (addresses) cannot grow
 * the map without bound.
 */
@Component
@ConditionalOnProperty(name = "agent.redis.enabled", havingValue = "false", matchIfMissing = true)
class InMemoryAttemptLimiter implements AttemptLimiter {

    private static final int DEFAULT_MAX_KEYS = 100_000;

    private record Window(Instant endsAt, long attempts) {
    }

    private static final Duration PURGE_EVERY = Duration.ofSeconds(1);

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private volatile Instant nextPurge = Instant.MIN;
    private final Clock clock;
    private final int maxKeys;

    @org.springframework.beans.factory.annotation.Autowired
    InMemoryAttemptLimiter(Clock clock) {
        this(clock, DEFAULT_MAX_KEYS);
    }

    InMemoryAttemptLimiter(Clock clock, int maxKeys) {
        this.clock = clock;
        this.maxKeys = maxKeys;
    }

    @Override
    public Mono<Decision> attempt(String key, int limit, Duration window) {
        Instant now = clock.instant();
        if (windows.size() >= maxKeys && !windows.containsKey(key)) {
            // a flood of new keys must not make every request scan the whole map: purge at most once a second
            if (!now.isBefore(nextPurge)) {
                nextPurge = now.plus(PURGE_EVERY);
                windows.values().removeIf(w -> !w.endsAt().isAfter(now));
            }
            if (windows.size() >= maxKeys) {
                return Mono.just(new Decision(false, limit + 1L, window));
            }
        }
        Window current = windows.compute(key, (k, w) -> w == null || !w.endsAt().isAfter(now)
                ? new Window(now.plus(window), 1) : new Window(w.endsAt(), w.attempts() + 1));
        Duration retryAfter = Duration.between(now, current.endsAt());
        return Mono.just(new Decision(current.attempts() <= limit, current.attempts(), retryAfter));
    }

    int tracked() {
        return windows.size();
    }
}
