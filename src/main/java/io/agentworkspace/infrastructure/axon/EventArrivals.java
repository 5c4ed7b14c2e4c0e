package io.agentworkspace.infrastructure.axon;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.axonframework.eventhandling.TrackingEventStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Tells the event processors the moment new events can be read. Axon's pooled coordinator, once it has caught up
 * with a stream that cannot call it back, looks again only every 500 ms; a stream from {@link WakingEventSource}
 * can call back, and this is what calls: one thread follows the head of the event store (woken by the store's
 * reader as soon as it has read new events: at once for this node's commits, and for other nodes' on the store's
 * poll or an announcement) and wakes the processors.
 *
 * <p>Only the processors that handle one of the new events' types are woken at once. Waking every processor on
 * every append costs a coordinator and a worker thread hand-off each (about fifteen per append on two cores, with
 * the one processor that matters queued behind the rest); a processor whose stream has been told by its
 * coordinator that it handles none of those types is woken {@link #DEFERRED_WAKE} later instead, once for all
 * the appends in between, so its position still reaches the head.
 */
final class EventArrivals implements SmartLifecycle {

    /** How long a processor that handles none of the new events waits before it reads past them. */
    static final Duration DEFERRED_WAKE = Duration.ofMillis(100);

    /** A processor's open stream, as the arrivals see it. */
    interface Listener {

        /** Whether the processor may handle an event of one of these payload types. */
        boolean handlesAnyOf(Set<Class<?>> payloadTypes);

        /** Lets the processor read what has arrived. */
        void wake();
    }

    private static final Logger log = LoggerFactory.getLogger(EventArrivals.class);

    private final ObjectProvider<AgentEventStore> store;
    private final long deferredWakeNanos;
    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    /** Listeners to wake later, with when (System.nanoTime()); woken by the follower thread only. */
    private final Map<Listener, Long> deferred = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile Thread thread;

    EventArrivals(ObjectProvider<AgentEventStore> store, Duration deferredWake) {
        this.store = store;
        this.deferredWakeNanos = deferredWake.toNanos();
    }

    void listen(Listener listener) {
        listeners.add(listener);
    }

    void stopListening(Listener listener) {
        listeners.remove(listener);
        deferred.remove(listener);
    }

    private void follow() {
        AgentEventStore events = store.getObject();
        while (running) {
            try (TrackingEventStream head = events.openStream(events.createHeadToken())) {
                while (running) {
                    if (head.hasNextAvailable(millisToNextDeferredWake(), TimeUnit.MILLISECONDS)) {
                        Set<Class<?>> payloadTypes = new HashSet<>();
                        do {
                            payloadTypes.add(head.nextAvailable().getPayloadType());
                        } while (head.hasNextAvailable());
                        arrived(payloadTypes);
                    }
                    wakeDeferred();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException failure) {
                log.warn("following the event store's head failed, retrying in 1 s: {}", failure.toString());
                listeners.forEach(Listener::wake);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void arrived(Set<Class<?>> payloadTypes) {
        long later = System.nanoTime() + deferredWakeNanos;
        for (Listener listener : listeners) {
            if (listener.handlesAnyOf(payloadTypes)) {
                deferred.remove(listener);
                listener.wake();
            } else {
                deferred.putIfAbsent(listener, later);
            }
        }
    }

    private void wakeDeferred() {
        long now = System.nanoTime();
        deferred.forEach((listener, due) -> {
            if (due - now <= 0 && deferred.remove(listener, due)) {
                listener.wake();
            }
        });
    }

    private int millisToNextDeferredWake() {
        long now = System.nanoTime();
        long earliest = deferred.values().stream().mapToLong(due -> due - now).min().orElse(Long.MAX_VALUE);
        return (int) Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(earliest) + 1));
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::follow, "event-arrivals");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread follower = thread;
        if (follower != null) {
            follower.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
