package io.agentworkspace.console;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.springframework.lang.Nullable;

/**
 * One subscription: the channels it follows and the {@link ConsoleFeed.Receiver} its items go to. The dispatcher
 * hands each live event of its channels straight to the receiver on the console thread (the receiver queues it on
 * its connection); events it has had (by id) or that its socket published are left out. A receiver that throws
 * ({@link SlowSubscriber} when its connection holds too much) ends the tap with that failure, and the dispatcher
 * forgets it. A tap ends once: told (failure or server stop) or disposed by its follower (not told).
 */
final class Tap {

    private final Set<String> channels;
    @Nullable
    private final String socketId;
    private final ConsoleFeed.Receiver receiver;
    private final Consumer<Tap> onEnd;
    private final AtomicBoolean over = new AtomicBoolean();
    private Map<String, Long> missedThrough = Map.of();
    private long lastId;

    /** @param onEnd told once when the tap ends, however it ends */
    Tap(Set<String> channels, @Nullable String socketId, ConsoleFeed.Receiver receiver, Consumer<Tap> onEnd) {
        this.channels = Set.copyOf(channels);
        this.socketId = socketId;
        this.receiver = receiver;
        this.onEnd = onEnd;
    }

    Set<String> channels() {
        return channels;
    }

    long lastId() {
        return lastId;
    }

    void startAfter(long id) {
        lastId = id;
    }

    /**
     * Leaves out, for good, the events of each channel up to the id the subscriber was told retention removed: this
     * node's ring of recent events may still hold some of them.
     */
    void skipThrough(Map<String, Long> missedThrough) {
        this.missedThrough = Map.copyOf(missedThrough);
    }

    boolean wants(ConsoleEvent event) {
        return event.id() > lastId && channels.contains(event.channel()) && notExcluded(event);
    }

    private boolean notExcluded(ConsoleEvent event) {
        return (socketId == null || !socketId.equals(event.excludedSocketId()))
                && (missedThrough.isEmpty() || event.id() > missedThrough.getOrDefault(event.channel(), 0L));
    }

    /** @return false when the tap is over (failed, disposed) and should be dropped */
    boolean offer(ConsoleEvent event) {
        return offer(event, channels.contains(event.channel()));
    }

    /** An event of one of its channels (the dispatcher routes by channel, so it need not be checked again). */
    boolean offerRouted(ConsoleEvent event) {
        return offer(event, true);
    }

    private boolean offer(ConsoleEvent event, boolean ofItsChannels) {
        if (over.get()) {
            return false;
        }
        if (!ofItsChannels || event.id() <= lastId || !notExcluded(event)) {
            return true;
        }
        lastId = event.id();
        return deliver(event);
    }

    /** Hands an item to the receiver; one that throws ends the tap with its failure. */
    boolean deliver(ConsoleFeed.Item item) {
        if (over.get()) {
            return false;
        }
        try {
            receiver.item(item);
            return true;
        } catch (RuntimeException failure) {
            end(failure);
            return false;
        }
    }

    boolean isClosed() {
        return over.get();
    }

    /** Ends the tap and tells the receiver ({@code failure} null: the server stops its feeds). */
    void end(@Nullable Throwable failure) {
        if (over.compareAndSet(false, true)) {
            try {
                receiver.ended(failure);
            } finally {
                onEnd.accept(this);
            }
        }
    }

    /** Ends the tap without telling the receiver: its follower let go. */
    void close() {
        if (over.compareAndSet(false, true)) {
            onEnd.accept(this);
        }
    }
}
