package io.agentworkspace.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

@Component
@ConditionalOnProperty(name = "agent.redis.enabled", havingValue = "false", matchIfMissing = true)
class InMemoryAttemptLimiter implements AttemptLimiter {

    private static final int PURGE_ABOVE = 10_000;

    private record Window(Instant endsAt, long attempts) {
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Clock clock;

    InMemoryAttemptLimiter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Mono<Decision> attempt(String key, int limit, Duration window) {
        Instant now = clock.instant();
        if (windows.size() > PURGE_ABOVE) {
            windows.values().removeIf(w -> !w.endsAt().isAfter(now));
        }
        Window current = windows.compute(key, (k, w) -> w == null || !w.endsAt().isAfter(now)
                ? new Window(now.plus(window), 1) : new Window(w.endsAt(), w.attempts() + 1));
        Duration retryAfter = Duration.between(now, current.endsAt());
        return Mono.just(new Decision(current.attempts() <= limit, current.attempts(), retryAfter));
    }
}
