package io.agentworkspace.console;

import java.util.Set;

import org.springframework.lang.Nullable;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * One subscription's live feed: the channels it follows and a bounded queue the dispatcher fills. A full queue
 * means the subscriber does not keep up: the feed then fails with {@link SlowSubscriber} carrying the last id it
 * was given, and the dispatcher forgets it. Only the dispatcher thread offers to it.
 */
final class Tap {

    private final Set<String> channels;
    @Nullable
    private final String socketId;
    private final Sinks.Many<ConsoleEvent> sink;
    private final Sinks.Empty<Void> slow = Sinks.empty();
    private final int capacity;
    private long lastId;
    private volatile boolean closed;

    Tap(Set<String> channels, @Nullable String socketId, int capacity) {
        this.channels = Set.copyOf(channels);
        this.socketId = socketId;
        this.capacity = capacity;
        // only the dispatcher thread emits: no serialization wrapper around the sink
        this.sink = Sinks.unsafe().many().unicast().onBackpressureBuffer(Queues.<ConsoleEvent>get(capacity).get());
    }

    Set<String> channels() {
        return channels;
    }

    int capacity() {
        return capacity;
    }

    long lastId() {
        return lastId;
    }

    void startAfter(long id) {
        lastId = id;
    }

    boolean wants(ConsoleEvent event) {
        return event.id() > lastId && channels.contains(event.channel())
                && (socketId == null || !socketId.equals(event.excludedSocketId()));
    }

    /** @return false when the tap is done (slow, cancelled) and should be dropped */
    boolean offer(ConsoleEvent event) {
        return offer(event, channels.contains(event.channel()));
    }

    /** An event of one of its channels (the dispatcher routes by channel, so it need not be checked again). */
    boolean offerRouted(ConsoleEvent event) {
        return offer(event, true);
    }

    private boolean offer(ConsoleEvent event, boolean ofItsChannels) {
        if (closed) {
            return false;
        }
        if (!ofItsChannels || event.id() <= lastId
                || (socketId != null && socketId.equals(event.excludedSocketId()))) {
            return true;
        }
        Sinks.EmitResult result = sink.tryEmitNext(event);
        if (result.isSuccess()) {
            lastId = event.id();
            return true;
        }
        closed = true;
        if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
            // at once, not behind the queued events the subscriber is not reading
            slow.tryEmitError(new SlowSubscriber(lastId));
        }
        return false;
    }

    boolean isClosed() {
        return closed;
    }

    void close() {
        closed = true;
    }

    Flux<ConsoleEvent> flux() {
        return Flux.merge(sink.asFlux(), slow.asMono().then(Mono.<ConsoleEvent>empty()));
    }
}
