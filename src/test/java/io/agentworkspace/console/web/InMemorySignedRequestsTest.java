package io.agentworkspace.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.agentworkspace.support.MovableClock;

/** Replay memory of one node: a signature is accepted once in its window, forgotten when released or expired. */
class InMemorySignedRequestsTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-05T10:00:00Z"));

    @Test
    void aSignatureIsAcceptedOnceUntilItsWindowEnds() {
        InMemorySignedRequests requests = new InMemorySignedRequests(clock);
        String signature = signature(1);
        Instant until = clock.instant().plusSeconds(601);
        assertThat(requests.claim(signature, until).block()).isTrue();
        assertThat(requests.claim(signature, until).block()).isFalse();
        assertThat(requests.claim(signature(2), until).block()).isTrue();

        requests.release(signature).block();
        assertThat(requests.claim(signature, until).block()).isTrue();

        // long after its window, the bucket of that second is reused: the old claim is gone
        clock.advance(Duration.ofSeconds(1300));
        assertThat(requests.claim(signature, clock.instant().plusSeconds(601)).block()).isTrue();
        assertThat(requests.claim(signature, clock.instant().plusSeconds(601)).block()).isFalse();
    }

    @Test
    void manySignaturesInOneSecondAreEachAcceptedOnce() {
        InMemorySignedRequests requests = new InMemorySignedRequests(clock);
        Instant until = clock.instant().plusSeconds(601);
        for (int i = 0; i < 50_000; i++) {
            assertThat(requests.claim(signature(i), until).block()).isTrue();
        }
        for (int i = 0; i < 50_000; i += 7) {
            assertThat(requests.claim(signature(i), until).block()).as("replay %d", i).isFalse();
        }
        for (int i = 0; i < 50_000; i += 2) {
            requests.release(signature(i)).block();
        }
        for (int i = 0; i < 50_000; i++) {
            assertThat(requests.claim(signature(i), until).block()).as("after release %d", i).isEqualTo(i % 2 == 0);
        }
    }

    private static String signature(int seed) {
        byte[] bytes = new byte[32];
        new Random(seed).nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
