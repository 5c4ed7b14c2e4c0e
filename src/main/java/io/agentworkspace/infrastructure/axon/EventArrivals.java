package io.agentworkspace.infrastructure.axon;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
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
 * poll or an announcement) and then wakes every open stream's processor.
 */
final class EventArrivals implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventArrivals.class);

    private final ObjectProvider<AgentEventStore> store;
    private final Set<Runnable> listeners = new CopyOnWriteArraySet<>();
    private volatile boolean running;
    private volatile Thread thread;

    EventArrivals(ObjectProvider<AgentEventStore> store) {
        this.store = store;
    }

    void listen(Runnable listener) {
        listeners.add(listener);
    }

    void stopListening(Runnable listener) {
        listeners.remove(listener);
    }

    private void follow() {
        AgentEventStore events = store.getObject();
        while (running) {
            try (TrackingEventStream head = events.openStream(events.createHeadToken())) {
                while (running) {
                    if (head.hasNextAvailable(1, TimeUnit.SECONDS)) {
                        head.nextAvailable();
                        while (head.hasNextAvailable()) {
                            head.nextAvailable();
                        }
                        listeners.forEach(Runnable::run);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException failure) {
                log.warn("following the event store's head failed, retrying in 1 s: {}", failure.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
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
