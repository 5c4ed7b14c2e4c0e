package io.agentworkspace.console;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.SmartLifecycle;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import io.agentworkspace.infrastructure.LifecyclePhases;

/**
 * What the transports subscribe to: the events of a set of channels, from a cursor or from now, exactly once and
 * in id order. A resume replays from the durable log (or from the ring of recent events) and switches to live with
 * no gap and no duplicate; a cursor older than retention yields an explicit {@link CursorReset} first. Every feed
 * counts as a subscription to its channels in the {@link ChannelDirectory} while it runs.
 */
@Component
public class ConsoleFeed implements SmartLifecycle {

    /** What a feed emits. */
    public sealed interface Item permits ConsoleEvent, CursorReset, Started {
    }

    /** Retention removed this channel's events up to {@code missedThrough}; the feed goes on after it. */
    public record CursorReset(String channel, long missedThrough) implements Item {
    }

    /** The first item of every feed: it delivers every event after {@code after}. */
    public record Started(long after) implements Item {
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConsoleFeed.class);

    private final ConsoleDispatcher dispatcher;
    private final ConsoleLogReader reader;
    private final ConsoleSettings settings;
    private final ChannelDirectory directory;
    private final Set<Tap> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private volatile boolean stopped;

    ConsoleFeed(ConsoleDispatcher dispatcher, ConsoleLogReader reader, ConsoleSettings settings,
                ChannelDirectory directory) {
        this.directory = directory;
        this.dispatcher = dispatcher;
        this.reader = reader;
        this.settings = settings;
    }

    /**
     * Checks a cursor before anything is streamed: fails with {@link CursorInFuture} when no event has that id
     * yet, and lists the channels whose events after it retention has removed.
     */
    public Mono<List<CursorReset>> check(Collection<String> channels, long cursor) {
        Mono<Long> head = cursor <= dispatcher.delivered() ? Mono.just(dispatcher.delivered()) : reader.head();
        return head.flatMap(newest -> cursor > newest ? Mono.error(new CursorInFuture(cursor, newest))
                : reader.prunedThrough(channels).map(pruned -> pruned.entrySet().stream()
                        .filter(entry -> entry.getValue() > cursor)
                        .map(entry -> new CursorReset(entry.getKey(), entry.getValue()))
                        .sorted(java.util.Comparator.comparing(CursorReset::channel))
                        .toList()));
    }

    /**
     * Where a feed's items go, one at a time and in order: replayed events on the thread that read them, live ones on
     * the console thread as the dispatcher routes them. A receiver queues what it is given (on its connection) and
     * returns; it throws {@link SlowSubscriber} when its connection holds too much, which ends the feed.
     */
    public interface Receiver {

        void item(Item item);

        /**
         * The feed ended by itself: {@code failure} is why ({@link SlowSubscriber}, {@link CursorInFuture}, a failed
         * read), or null when the server stops its feeds. Not called once the follower disposed the feed.
         */
        void ended(@Nullable Throwable failure);
    }

    /**
     * Follows some channels. With a cursor it replays every event after it first; without one it starts at the
     * newest event; {@link Started} comes first either way. The feed runs until it is disposed or ends by itself
     * (see {@link Receiver#ended}); while it runs it counts as a subscription to its channels.
     *
     * @param excludedSocketId a Pusher socket whose own publications it leaves out, or null
     */
    public Disposable follow(Set<String> channels, @Nullable Long cursor, @Nullable String excludedSocketId,
                             Receiver receiver) {
        Tap tap = new Tap(channels, excludedSocketId, receiver, ended -> {
            open.remove(ended);
            dispatcher.release(ended);
            channels.forEach(channel -> directory.unsubscribed(channel).subscribe(null, failure -> log.warn(
                    "end of a subscription to {} not counted: {}", channel, failure.toString())));
        });
        channels.forEach(channel -> directory.subscribed(channel).subscribe(null, failure -> log.warn(
                "subscription to {} not counted: {}", channel, failure.toString())));
        open.add(tap);
        if (stopped) {
            tap.end(null);
            return tap::close;
        }
        if (cursor == null) {
            dispatcher.startLive(tap);
        } else {
            // a read in flight when the tap ends is not cancelled: what it finds is left out (the tap is over)
            check(channels, cursor).subscribe(resets -> {
                Map<String, Long> missedThrough = new HashMap<>();
                resets.forEach(reset -> missedThrough.put(reset.channel(), reset.missedThrough()));
                tap.skipThrough(missedThrough);
                tap.startAfter(cursor);
                if (tap.deliver(new Started(cursor)) && resets.stream().allMatch(tap::deliver)) {
                    catchUp(tap, cursor);
                }
            }, tap::end);
        }
        return tap::close;
    }

    /**
     * Replays a page of the log after {@code last}, and again, until what the tap still misses is in the dispatcher's
     * ring of recent events: then it switches to live.
     */
    private void catchUp(Tap tap, long last) {
        dispatcher.trySwitch(tap, last).subscribe(switched -> {
            if (switched || tap.isClosed()) {
                return;
            }
            // everything up to the delivered id is committed: a short page means nothing more up to it
            long committed = dispatcher.delivered();
            reader.after(tap.channels(), last, settings.replayPage()).subscribe(page -> {
                long next = last;
                for (ConsoleEvent event : page) {
                    if (!tap.offer(event)) {
                        return;
                    }
                    next = event.id();
                }
                catchUp(tap, page.size() < settings.replayPage() ? Math.max(next, committed) : next);
            }, tap::end);
        }, tap::end);
    }

    /** One page of a channel's events after a cursor, for polling. */
    public Mono<List<ConsoleEvent>> page(String channel, long after, int limit) {
        return reader.after(Set.of(channel), after, limit);
    }

    /** The newest events of a channel, for a poller without a cursor. */
    public Mono<List<ConsoleEvent>> tail(String channel, int limit) {
        return reader.tail(channel, limit);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        stopped = true;
        open.forEach(dispatcher::end);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return LifecyclePhases.CONSOLE_STREAMS;
    }

    /** The highest id this node has delivered live. */
    public long head() {
        return dispatcher.delivered();
    }
}
