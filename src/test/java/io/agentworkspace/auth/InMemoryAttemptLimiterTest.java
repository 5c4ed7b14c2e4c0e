package io.agentworkspace.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/**
 * The in-memory limiter holds at most its bound of clients: a flood of new addresses cannot grow it, and clients
 * are let in again once windows expire.
 */
class InMemoryAttemptLimiterTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void pastItsBoundNewClientsAreRefusedUntilWindowsExpireAndKnownOnesCarryOn() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Clock[] now = {Clock.fixed(start, ZoneOffset.UTC)};
        InMemoryAttemptLimiter limiter = new InMemoryAttemptLimiter(new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0].instant();
            }
        }, 3);
        for (int client = 0; client < 3; client++) {
            assertThat(limiter.attempt("ip:" + client, 10, MINUTE).block().allowed()).isTrue();
        }
        for (int client = 3; client < 1000; client++) {
            assertThat(limiter.attempt("ip:" + client, 10, MINUTE).block().allowed()).as("client " + client).isFalse();
        }
        assertThat(limiter.tracked()).isEqualTo(3);
        assertThat(limiter.attempt("ip:1", 10, MINUTE).block().allowed()).as("a tracked client carries on").isTrue();

        now[0] = Clock.fixed(start.plus(MINUTE).plusSeconds(1), ZoneOffset.UTC);
        assertThat(limiter.attempt("ip:500", 10, MINUTE).block().allowed()).isTrue();
        assertThat(limiter.tracked()).isEqualTo(1);
    }
}
