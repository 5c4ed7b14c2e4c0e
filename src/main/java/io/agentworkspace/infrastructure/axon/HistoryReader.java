package io.agentworkspace.infrastructure.axon;

import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * The whole history read from its start, for projection rebuilds: the store's own engine and serializers, but pages
 * of {@link #PAGE} events per query. Not the event store's setting (Axon's 100), with which the live processors and
 * the Kafka export measured faster (docs/benchmarks.md).
 */
public final class HistoryReader {

    static final int PAGE = 1000;

    private final EmbeddedEventStore store;

    HistoryReader(EmbeddedEventStore store) {
        this.store = store;
    }

    public StreamableMessageSource<TrackedEventMessage<?>> source() {
        return store;
    }

    void shutDown() {
        store.shutDown();
    }
}
