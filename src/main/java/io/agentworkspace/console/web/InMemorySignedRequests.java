package io.agentworkspace.console.web;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * One node ({@code agent.console.fanout=local}, the default): accepted signatures in memory, so a publish needs no
 * network round trip to be checked for a replay. Bounded: with {@link #CAPACITY} requests in the
 * window still remembered, further publishes are refused for a moment (503) rather than remembered without limit.
 */
@Component
@ConditionalOnProperty(name = "agent.console.fanout", havingValue = "local", matchIfMissing = true)
class InMemorySignedRequests implements SignedRequests {

    static final int CAPACITY = 100_000;

    private final Map<String, Instant> accepted = new ConcurrentHashMap<>();
    private final Clock clock;

    InMemorySignedRequests(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Mono<Boolean> claim(String signature, Instant until) {
        Instant now = clock.instant();
        if (accepted.size() >= CAPACITY) {
            accepted.values().removeIf(expiry -> !expiry.isAfter(now));
            if (accepted.size() >= CAPACITY) {
                return Mono.error(new ConsoleProblems.Busy("Too many signed requests in the last "
                        + PusherHttpApi.MAX_SKEW.toSeconds() + " s; retry shortly."));
            }
        }
        Instant previous = accepted.putIfAbsent(signature, until);
        if (previous != null && !previous.isAfter(now)) {
            // remembered, but its window has passed: the timestamp check refuses it anyway; keep the new claim
            return Mono.just(accepted.replace(signature, previous, until));
        }
        return Mono.just(previous == null);
    }

    @Override
    public Mono<Void> release(String signature) {
        accepted.remove(signature);
        return Mono.empty();
    }
}
