package io.agentworkspace.infrastructure.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * Processors are woken at once for events they may handle and later, once, for events their coordinator said they
 * cannot: the wake-up path of every read model, on Axon's own event store (in memory) and streams.
 */
class EventArrivalsTest {

    record Apple(int n) {
    }

    record Pear(int n) {
    }

    /** Long enough that an immediate wake on a busy machine cannot be mistaken for a deferred one. */
    private static final Duration DEFERRED = Duration.ofSeconds(2);

    private final AgentEventStore store = new AgentEventStore(EmbeddedEventStore.builder()
            .storageEngine(new InMemoryEventStorageEngine()));
    private final EventArrivals arrivals = new EventArrivals(
            new StaticListableBeanFactory(Map.of("store", store)).getBeanProvider(AgentEventStore.class), DEFERRED);
    private final WakingEventSource source = new WakingEventSource(store, arrivals);

    @AfterEach
    void stop() {
        arrivals.stop();
        store.shutDown();
    }

    @Test
    void aProcessorIsWokenAtOnceForEventsItHandlesAndOnceLaterForTheRest() throws Exception {
        BlockingQueue<Long> wakes = new LinkedBlockingQueue<>();
        BlockingStream<TrackedEventMessage<?>> stream = followedStream(wakes);

        publish(new Apple(1));
        assertThat(wakes.poll(1, TimeUnit.SECONDS)).as("woken for a type it has not declined").isNotNull();
        // what the pooled coordinator does with an event no work package of its processor can handle
        stream.skipMessagesWithPayloadTypeOf(stream.nextAvailable());

        long published = System.nanoTime();
        publish(new Apple(2));
        publish(new Apple(3));
        publish(new Apple(4));
        Long deferred = wakes.poll(DEFERRED.toMillis() * 3, TimeUnit.MILLISECONDS);
        assertThat(deferred).as("woken later for the declined type").isNotNull();
        assertThat(Duration.ofNanos(deferred - published)).isGreaterThanOrEqualTo(DEFERRED.minusMillis(50));
        assertThat(wakes.poll(DEFERRED.toMillis() + 500, TimeUnit.MILLISECONDS))
                .as("one deferred wake for all three appends").isNull();

        publish(new Pear(1));
        assertThat(wakes.poll(1, TimeUnit.SECONDS)).as("woken at once for another type").isNotNull();
        stream.close();
    }

    @Test
    void oneProcessorDecliningATypeDoesNotDelayAnother() throws Exception {
        arrivals.start();
        BlockingQueue<String> wakes = new LinkedBlockingQueue<>();
        BlockingStream<TrackedEventMessage<?>> declining = source.openStream(source.createTailToken());
        BlockingStream<TrackedEventMessage<?>> handling = source.openStream(source.createTailToken());
        declining.setOnAvailableCallback(() -> wakes.add("declining"));
        handling.setOnAvailableCallback(() -> wakes.add("handling"));
        followed(wakes, declining, handling);
        publish(new Apple(1));
        declining.skipMessagesWithPayloadTypeOf(declining.nextAvailable());
        handling.nextAvailable();
        Thread.sleep(200);
        wakes.clear();

        publish(new Apple(2));

        assertThat(wakes.poll(1, TimeUnit.SECONDS)).isEqualTo("handling");
        assertThat(wakes.poll(DEFERRED.toMillis() * 3, TimeUnit.MILLISECONDS)).isEqualTo("declining");
        declining.close();
        handling.close();
    }

    @Test
    void aClosedStreamIsNotWoken() throws Exception {
        BlockingQueue<Long> wakes = new LinkedBlockingQueue<>();
        BlockingStream<TrackedEventMessage<?>> stream = followedStream(wakes);
        stream.close();

        publish(new Apple(1));

        assertThat(wakes.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    /** A stream at the head of the store whose wakes are timed into {@code wakes}, the arrivals following. */
    private BlockingStream<TrackedEventMessage<?>> followedStream(BlockingQueue<Long> wakes)
            throws InterruptedException {
        arrivals.start();
        BlockingStream<TrackedEventMessage<?>> stream = source.openStream(source.createTailToken());
        stream.setOnAvailableCallback(() -> wakes.add(System.nanoTime()));
        followed(wakes, stream);
        return stream;
    }

    /**
     * Once the arrivals follow the store's head (their thread opens its stream at the head when it starts): a
     * marker event published until it wakes the streams, which then have read everything so far.
     */
    @SafeVarargs
    private void followed(BlockingQueue<?> wakes, BlockingStream<TrackedEventMessage<?>>... streams)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            publish(new Pear(0));
        } while (wakes.poll(100, TimeUnit.MILLISECONDS) == null && System.nanoTime() < deadline);
        Thread.sleep(100);
        for (BlockingStream<TrackedEventMessage<?>> stream : streams) {
            while (stream.hasNextAvailable()) {
                stream.nextAvailable();
            }
        }
        wakes.clear();
    }

    private void publish(Object payload) {
        store.publish(GenericEventMessage.asEventMessage(payload));
    }
}
