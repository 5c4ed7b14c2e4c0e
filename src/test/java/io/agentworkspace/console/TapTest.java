package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class TapTest {

    private final List<Object> received = new ArrayList<>();
    private final List<Throwable> endings = new ArrayList<>();
    private final AtomicInteger ends = new AtomicInteger();
    private int failAt = -1;

    private final ConsoleFeed.Receiver receiver = new ConsoleFeed.Receiver() {
        @Override
        public void item(ConsoleFeed.Item item) {
            if (item instanceof ConsoleEvent event && event.id() == failAt) {
                throw new SlowSubscriber(event.id() - 1);
            }
            received.add(item instanceof ConsoleEvent event ? event.id() : item);
        }

        @Override
        public void ended(Throwable failure) {
            endings.add(failure);
        }
    };

    private static ConsoleEvent event(long id, String channel, String excludedSocketId) {
        return new ConsoleEvent(id, channel, "e", "{}", true, 0L, excludedSocketId);
    }

    @Test
    void handsOverEachEventOfItsChannelsOnceInIdOrderLeavingOutItsSocketAndWhatWasReset() {
        Tap tap = new Tap(Set.of("a", "b"), "s1", receiver, ended -> ends.incrementAndGet());
        tap.startAfter(10);
        tap.skipThrough(Map.of("b", 13L));

        assertThat(tap.offer(event(10, "a", null))).isTrue();
        assertThat(tap.offer(event(11, "a", null))).isTrue();
        assertThat(tap.offer(event(11, "a", null))).isTrue();
        assertThat(tap.offer(event(12, "c", null))).isTrue();
        assertThat(tap.offer(event(13, "b", null))).isTrue();
        assertThat(tap.offer(event(14, "a", "s1"))).isTrue();
        assertThat(tap.offerRouted(event(15, "b", "s2"))).isTrue();

        assertThat(received).containsExactly(11L, 15L);
        assertThat(tap.lastId()).isEqualTo(15);
        assertThat(tap.wants(event(15, "a", null))).isFalse();
        assertThat(tap.wants(event(16, "a", null))).isTrue();
        assertThat(endings).isEmpty();
        assertThat(ends).hasValue(0);
    }

    @Test
    void aReceiverThatThrowsEndsTheTapWithItsFailureOnce() {
        Tap tap = new Tap(Set.of("a"), null, receiver, ended -> ends.incrementAndGet());
        failAt = 2;

        assertThat(tap.offer(event(1, "a", null))).isTrue();
        assertThat(tap.offer(event(2, "a", null))).isFalse();
        assertThat(tap.offer(event(3, "a", null))).isFalse();
        tap.end(null);
        tap.close();

        assertThat(received).containsExactly(1L);
        assertThat(endings).singleElement().isInstanceOf(SlowSubscriber.class);
        assertThat(((SlowSubscriber) endings.get(0)).lastId()).isEqualTo(1);
        assertThat(ends).hasValue(1);
        assertThat(tap.isClosed()).isTrue();
    }

    @Test
    void aTapItsFollowerLetGoIsNotTold() {
        Tap tap = new Tap(Set.of("a"), null, receiver, ended -> ends.incrementAndGet());

        tap.close();
        tap.end(new IllegalStateException("late"));

        assertThat(tap.offer(event(1, "a", null))).isFalse();
        assertThat(tap.deliver(new ConsoleFeed.Started(0))).isFalse();
        assertThat(received).isEmpty();
        assertThat(endings).isEmpty();
        assertThat(ends).hasValue(1);
    }
}
