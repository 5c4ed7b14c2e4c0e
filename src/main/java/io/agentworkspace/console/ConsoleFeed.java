package io.agentworkspace.console;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.context.SmartLifecycle;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

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
    private final Sinks.Empty<Void> closing = Sinks.empty();
    private volatile boolean running;

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
     * The feed of some channels. With a cursor it replays every event after it first; without one it starts at
     * the newest event. It fails with {@link SlowSubscriber} when the subscriber falls more than
     * {@code agent.console.subscriber-buffer} events behind the live stream.
     *
     * @param excludedSocketId a Pusher socket whose own publications it leaves out, or null
     */
    public Flux<Item> follow(Set<String> channels, @Nullable Long cursor, @Nullable String excludedSocketId) {
        return unclosed(channels, cursor, excludedSocketId).takeUntilOther(closing.asMono())
                .doOnSubscribe(subscription -> channels.forEach(channel -> directory.subscribed(channel)
                        .subscribe(null, failure -> log.warn("subscription to {} not counted: {}", channel,
                                failure.toString()))))
                .doFinally(signal -> channels.forEach(channel -> directory.unsubscribed(channel)
                        .subscribe(null, failure -> log.warn("end of a subscription to {} not counted: {}", channel,
                                failure.toString()))));
    }

    private Flux<Item> unclosed(Set<String> channels, @Nullable Long cursor, @Nullable String excludedSocketId) {
        if (cursor == null) {
            return Flux.defer(() -> {
                Tap tap = new Tap(channels, excludedSocketId, settings.subscriberBuffer());
                return dispatcher.startLive(tap)
                        .flatMapMany(after -> Flux.<Item>just(new Started(after)).concatWith(tap.flux()))
                        .doFinally(signal -> dispatcher.release(tap));
            });
        }
        return check(channels, cursor).flatMapMany(resets -> Flux.<Item>just(new Started(cursor))
                .concatWith(Flux.fromIterable(resets))
                .concatWith(afterGaps(replayThenLive(channels, cursor, excludedSocketId), resets)));
    }

    /**
     * After a reset a channel goes on after its gap: events retention removed from the log may still be in this
     * node's ring of recent events, and are not delivered once the subscriber was told it missed them.
     */
    private static Flux<ConsoleEvent> afterGaps(Flux<ConsoleEvent> events, List<CursorReset> resets) {
        if (resets.isEmpty()) {
            return events;
        }
        Map<String, Long> missedThrough = new HashMap<>();
        resets.forEach(reset -> missedThrough.put(reset.channel(), reset.missedThrough()));
        return events.filter(event -> event.id() > missedThrough.getOrDefault(event.channel(), 0L));
    }

    private Flux<ConsoleEvent> replayThenLive(Set<String> channels, long cursor, @Nullable String excludedSocketId) {
        return Flux.defer(() -> {
            Tap tap = new Tap(channels, excludedSocketId, settings.subscriberBuffer());
            AtomicLong last = new AtomicLong(cursor);
            AtomicBoolean live = new AtomicBoolean();
            Flux<ConsoleEvent> replay = Mono.defer(() -> dispatcher.trySwitch(tap, last.get()))
                    .flatMapMany(switched -> {
                        if (switched) {
                            live.set(true);
                            return Flux.<ConsoleEvent>empty();
                        }
                        // everything up to the delivered id is committed: a short page means nothing more up to it
                        long committed = dispatcher.delivered();
                        return reader.after(channels, last.get(), settings.replayPage())
                                .flatMapMany(page -> Flux.fromIterable(page)
                                        .doOnNext(event -> last.set(event.id()))
                                        .doOnComplete(() -> {
                                            if (page.size() < settings.replayPage()) {
                                                last.accumulateAndGet(committed, Math::max);
                                            }
                                        }));
                    })
                    .repeat(() -> !live.get());
            return replay.concatWith(tap.flux()).doFinally(signal -> dispatcher.release(tap));
        });
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
        closing.tryEmitEmpty();
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
