package io.agentworkspace.infrastructure.axon;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * The event store as the pooled processors read it: the same streams, plus the availability callback Axon's
 * coordinator asks for, called by {@link EventArrivals} when new events can be read. Without it the coordinator of
 * a caught-up processor re-polls every 500 ms, and every read model lags by up to that much. Each stream also
 * remembers the payload types its coordinator said the processor cannot handle (Axon's
 * {@code skipMessagesWithPayloadTypeOf}), so that events of only those types do not wake it at once.
 */
final class WakingEventSource implements StreamableMessageSource<TrackedEventMessage<?>> {

    private final EventStore store;
    private final EventArrivals arrivals;

    WakingEventSource(EventStore store, EventArrivals arrivals) {
        this.store = store;
        this.arrivals = arrivals;
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
        return new WakingStream(store.openStream(token));
    }

    @Override
    public TrackingToken createTailToken() {
        return store.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
        return store.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(Instant at) {
        return store.createTokenAt(at);
    }

    @Override
    public TrackingToken createTokenSince(Duration since) {
        return store.createTokenSince(since);
    }

    private final class WakingStream implements BlockingStream<TrackedEventMessage<?>>, EventArrivals.Listener {

        private final BlockingStream<TrackedEventMessage<?>> delegate;
        private final Set<Class<?>> unhandled = ConcurrentHashMap.newKeySet();
        private volatile Runnable callback;

        WakingStream(BlockingStream<TrackedEventMessage<?>> delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return delegate.peek();
        }

        @Override
        public boolean hasNextAvailable() {
            return delegate.hasNextAvailable();
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            return delegate.hasNextAvailable(timeout, unit);
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            return delegate.nextAvailable();
        }

        @Override
        public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
            unhandled.add(ignoredMessage.getPayloadType());
            delegate.skipMessagesWithPayloadTypeOf(ignoredMessage);
        }

        @Override
        public boolean setOnAvailableCallback(Runnable callback) {
            this.callback = callback;
            arrivals.listen(this);
            return true;
        }

        @Override
        public boolean handlesAnyOf(Set<Class<?>> payloadTypes) {
            return !unhandled.containsAll(payloadTypes);
        }

        @Override
        public void wake() {
            Runnable registered = callback;
            if (registered != null) {
                registered.run();
            }
        }

        @Override
        public void close() {
            arrivals.stopListening(this);
            delegate.close();
        }
    }
}
