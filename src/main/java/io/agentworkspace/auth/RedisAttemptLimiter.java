package io.agentworkspace.auth;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.redis.RedisDatabase;
import reactor.core.publisher.Mono;

/** Fixed windows in the cache database: {@code ratelimit:<key>} counts, expiring with its window (one Lua call). */
@Component
@ConditionalOnProperty(name = "agent.redis.enabled", havingValue = "true")
class RedisAttemptLimiter implements AttemptLimiter {

    private static final String COUNT = """
            local n = redis.call('incr', KEYS[1])
            if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end
            return {n, redis.call('pttl', KEYS[1])}""";

    private final RedisReactiveCommands<String, String> redis;

    RedisAttemptLimiter(@Qualifier("cache") RedisDatabase cache) {
        this.redis = cache.commands();
    }

    @Override
    public Mono<Decision> attempt(String key, int limit, Duration window) {
        return redis.<List<Long>>eval(COUNT, ScriptOutputType.MULTI, new String[] {"ratelimit:" + key},
                        Long.toString(window.toMillis()))
                .next()
                .map(result -> {
                    long attempts = result.get(0);
                    long ttl = Math.max(0, result.get(1));
                    return new Decision(attempts <= limit, attempts, Duration.ofMillis(ttl));
                });
    }
}
