package io.agentworkspace.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.agentworkspace.support.MovableClock;

/**
 * The in-memory limiter holds at most its bound of clients: a flood of new addresses cannot grow it, and clients
 * are let in again once windows expire.
 */
class InMemoryAttemptLimiterTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void pastItsBoundNewClientsAreRefusedUntilWindowsExpireAndKnownOnesCarryOn() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        MovableClock clock = new MovableClock(start);
        InMemoryAttemptLimiter limiter = new InMemoryAttemptLimiter(clock, 3);
        for (int client = 0; client < 3; client++) {
            assertThat(limiter.attempt("ip:" + client, 10, MINUTE).block().allowed()).isTrue();
        }
        for (int client = 3; client < 1000; client++) {
            assertThat(limiter.attempt("ip:" + client, 10, MINUTE).block().allowed()).as("client " + client).isFalse();
        }
        assertThat(limiter.tracked()).isEqualTo(3);
        assertThat(limiter.attempt("ip:1", 10, MINUTE).block().allowed()).as("a tracked client carries on").isTrue();

        clock.advance(MINUTE.plusSeconds(1));
        assertThat(limiter.attempt("ip:500", 10, MINUTE).block().allowed()).isTrue();
        assertThat(limiter.tracked()).isEqualTo(1);
    }
}
