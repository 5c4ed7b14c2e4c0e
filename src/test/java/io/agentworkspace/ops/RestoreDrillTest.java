package io.agentworkspace.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.agentworkspace.projection.RebuildProgress;

/** The drill's wait for a rebuild ends: when the rebuild does, or at its deadline with the rebuild still running. */
class RestoreDrillTest {

    @Test
    void aRebuildThatNeverEndsIsGivenUpAtTheDeadline() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        long started = System.nanoTime();
        RebuildProgress last = RestoreDrill.awaitEnd(progress("building", 0), () -> progress("building",
                polls.incrementAndGet()), Duration.ofMillis(300), Duration.ofMillis(10));
        assertThat(last.running()).isTrue();
        assertThat(last.position()).isEqualTo(polls.get());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aRebuildThatEndsIsReportedAsItEnded() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        RebuildProgress last = RestoreDrill.awaitEnd(progress("building", 0),
                () -> progress(polls.incrementAndGet() < 3 ? "switching" : "done", polls.get()), Duration.ofMinutes(5),
                Duration.ofMillis(1));
        assertThat(last.state()).isEqualTo("done");
        assertThat(polls).hasValue(3);
    }

    private static RebuildProgress progress(String state, long position) {
        return new RebuildProgress("r1", "projects", state, position, position, 100, 0, null, Instant.EPOCH, null, null);
    }
}
