package io.agentworkspace.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class PollingTest {

    @Test
    void aCalleeSlowerThanThirtyTwoPeriodsSlowsThePollInsteadOfFailingIt() {
        AtomicInteger calls = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> Polling.every(Duration.ofMillis(250),
                        () -> Mono.delay(Duration.ofSeconds(20)).map(tick -> calls.incrementAndGet())).take(3))
                .thenAwait(Duration.ofMinutes(2))
                .expectNext(1, 2, 3)
                .verifyComplete();
        assertThat(calls).hasValue(3);
    }

    @Test
    void theBareIntervalThisReplacesOverflowsWithTheSameCallee() {
        StepVerifier.withVirtualTime(() -> Flux.interval(Duration.ofMillis(250))
                        .concatMap(tick -> Mono.delay(Duration.ofSeconds(20))).take(3))
                .thenAwait(Duration.ofMinutes(2))
                .expectErrorMatches(failure -> failure.getMessage().contains("Could not emit tick"))
                .verify();
    }

    @Test
    void callsNeverOverlapAndAFastCalleeRunsOncePerPeriod() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> Polling.every(Duration.ZERO, Duration.ofSeconds(1), () -> Mono.defer(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    return Mono.delay(Duration.ofMillis(1500)).doOnNext(tick -> running.decrementAndGet());
                })).take(4))
                .thenAwait(Duration.ofSeconds(30))
                .expectNextCount(4)
                .verifyComplete();
        assertThat(most).hasValue(1);
    }

    @Test
    void aSubscriberThatStopsRequestingMissesBeatsInsteadOfFailingTheStream() {
        StepVerifier.withVirtualTime(() -> Polling.every(Duration.ofSeconds(1), () -> Mono.just("beat")), 1)
                .thenAwait(Duration.ofSeconds(1))
                .expectNext("beat")
                .thenAwait(Duration.ofMinutes(5))
                .expectNoEvent(Duration.ZERO)
                .thenRequest(1)
                .thenAwait(Duration.ofSeconds(1))
                .expectNext("beat")
                .thenCancel()
                .verify();
    }
}
