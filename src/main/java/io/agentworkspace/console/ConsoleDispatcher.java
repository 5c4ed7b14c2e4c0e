package io.agentworkspace.console;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.tracing.Span;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.observability.Traces;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import io.agentworkspace.infrastructure.LifecyclePhases;

/**
 * Puts every committed event of the log, from this node's writer and from other nodes (the fan-out), into id order
 * and routes it to the subscriptions of its channel. Ids are dense, so a missing id is a gap: it is awaited
 * from the fan-out for {@code gap-wait}, then read from the log, which is always the source of truth. With several
 * nodes the log head is also polled, so an announcement the fan-out lost costs latency, never an event.
 *
 * <p>Everything here runs on one thread, the {@link ConsoleThread} the log writer appends on: ordering, the ring of
 * recent events, and the routing of each event to the subscriptions of its channel. A batch the writer committed is
 * routed right after its commit, on the same thread. Routing an event that came with its publication's trace (from
 * this node's writer or another node's announcement; not one read back from the log) to the subscriptions of this
 * node is a span of that trace ({@code console deliver}).
 */
@Component
class ConsoleDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConsoleDispatcher.class);
    private static final int MAX_FILL = 1000;

    private final ConsoleLogReader reader;
    private final ConsoleFanout fanout;
    private final ConsoleSettings settings;
    private final Traces traces;
    private final ConsoleThread consoleThread;
    private final Scheduler thread;
    private final ConsoleEvent[] ring;
    private final int mask;
    private final TreeMap<Long, ConsoleEvent> waiting = new TreeMap<>();
    private final Map<String, List<Tap>> taps = new HashMap<>();
    private final Disposable.Composite running = Disposables.composite();
    private volatile long delivered;
    private long ringFloor;
    private long ringBytes;
    private boolean filling;
    private boolean gapTimerArmed;
    private volatile boolean started;

    ConsoleDispatcher(ConsoleLogReader reader, ConsoleFanout fanout, ConsoleSettings settings,
                      ConsoleThread consoleThread, Traces traces) {
        this.traces = traces;
        this.consoleThread = consoleThread;
        this.thread = consoleThread.scheduler();
        this.reader = reader;
        this.fanout = fanout;
        this.settings = settings;
        int size = Integer.highestOneBit(Math.max(64, settings.recentEvents() - 1)) << 1;
        this.ring = new ConsoleEvent[size];
        this.mask = size - 1;
    }

    /** The highest id this node has emitted. */
    long delivered() {
        return delivered;
    }

    void accept(List<ConsoleEvent> batch) {
        if (consoleThread.isCurrent()) {
            onBatch(batch);
        } else {
            thread.schedule(() -> onBatch(batch));
        }
    }

    private void onBatch(List<ConsoleEvent> batch) {
        for (ConsoleEvent event : batch) {
            if (event.id() > delivered) {
                waiting.putIfAbsent(event.id(), event);
            }
        }
        drain();
    }

    private void drain() {
        List<ConsoleEvent> emitted = null;
        while (!waiting.isEmpty() && waiting.firstKey() <= delivered + 1) {
            ConsoleEvent next = waiting.pollFirstEntry().getValue();
            if (next.id() == delivered + 1) {
                emit(next);
                if (emitted == null) {
                    emitted = new ArrayList<>(waiting.size() + 1);
                }
                emitted.add(next);
            }
        }
        if (emitted != null) {
            route(emitted);
        }
        if (!waiting.isEmpty() && !gapTimerArmed && !filling) {
            gapTimerArmed = true;
            thread.schedule(this::fillGap, settings.gapWait().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void emit(ConsoleEvent event) {
        int slot = (int) (event.id() & mask);
        if (ring[slot] != null) {
            ringBytes -= footprint(ring[slot]);
        }
        ring[slot] = event;
        ringBytes += footprint(event);
        delivered = event.id();
        ringFloor = Math.max(ringFloor, delivered - ring.length + 1);
        while (ringBytes > settings.recentBytes() && ringFloor < delivered) {
            int oldest = (int) (ringFloor & mask);
            if (ring[oldest] != null && ring[oldest].id() == ringFloor) {
                ringBytes -= footprint(ring[oldest]);
                ring[oldest] = null;
            }
            ringFloor++;
        }
    }

    /** Roughly what an event holds on to: its text and the frames encoded from it. */
    private static long footprint(ConsoleEvent event) {
        return 4L * event.data().length() + 400;
    }

    /**
     * Hands the events to the subscriptions of their channels, all of a subscription's events of the batch one after
     * the other (in id order): its connection then writes them in one go and flushes once.
     */
    private void route(List<ConsoleEvent> events) {
        if (!traces.enabled()) {
            routeToTaps(events);
            return;
        }
        List<Span> deliveries = new ArrayList<>(events.size());
        for (ConsoleEvent event : events) {
            List<Tap> subscribed = taps.get(event.channel());
            if (event.traceparent() != null && subscribed != null) {
                deliveries.add(traces.continuing(event.traceparent(), "console deliver", Span.Kind.CONSUMER)
                        .tag("agent.console.channel", event.channel())
                        .tag("agent.console.subscribers", Integer.toString(subscribed.size())));
            }
        }
        try {
            routeToTaps(events);
        } finally {
            deliveries.forEach(Span::end);
        }
    }

    private void routeToTaps(List<ConsoleEvent> events) {
        if (events.size() == 1) {
            ConsoleEvent event = events.get(0);
            List<Tap> subscribed = taps.get(event.channel());
            if (subscribed == null) {
                return;
            }
            List<Tap> done = null;
            for (Tap tap : subscribed) {
                if (!tap.offerRouted(event)) {
                    done = done == null ? new ArrayList<>(2) : done;
                    done.add(tap);
                }
            }
            if (done != null) {
                done.forEach(this::unregister);
            }
            return;
        }
        Map<Tap, List<ConsoleEvent>> perTap = new java.util.IdentityHashMap<>();
        List<Tap> order = new ArrayList<>();
        for (ConsoleEvent event : events) {
            List<Tap> subscribed = taps.get(event.channel());
            if (subscribed == null) {
                continue;
            }
            for (Tap tap : subscribed) {
                perTap.computeIfAbsent(tap, t -> {
                    order.add(t);
                    return new ArrayList<>(events.size());
                }).add(event);
            }
        }
        for (Tap tap : order) {
            for (ConsoleEvent event : perTap.get(tap)) {
                if (!tap.offerRouted(event)) {
                    unregister(tap);
                    break;
                }
            }
        }
    }

    private void fillGap() {
        gapTimerArmed = false;
        if (!waiting.isEmpty() && !filling) {
            fill(delivered + 1, waiting.firstKey() - 1);
        }
    }

    /** Reads committed ids {@code [from, to]} from the log; ids it does not find there were removed by retention. */
    private void fill(long from, long to) {
        long until = Math.min(to, from + MAX_FILL - 1);
        filling = true;
        reader.range(from, until).collectList().subscribe(
                found -> thread.schedule(() -> filled(from, until, found)),
                failure -> thread.schedule(() -> {
                    filling = false;
                    log.warn("console log read for ids {}-{} failed: {}", from, until, failure.toString());
                    thread.schedule(this::drain, 500, TimeUnit.MILLISECONDS);
                }));
    }

    private void filled(long from, long until, List<ConsoleEvent> found) {
        filling = false;
        for (ConsoleEvent event : found) {
            if (event.id() > delivered) {
                waiting.putIfAbsent(event.id(), event);
            }
        }
        drain();
        if (delivered < until) {
            log.warn("console ids {}-{} are no longer in the log (retention); skipping them", delivered + 1, until);
            while (delivered < until && !waiting.containsKey(delivered + 1)) {
                delivered++;
            }
            drain();
        }
    }

    private void pollHead() {
        if (filling || !waiting.isEmpty()) {
            return;
        }
        reader.head().subscribe(head -> thread.schedule(() -> {
            if (head > delivered && !filling && waiting.isEmpty()) {
                fill(delivered + 1, head);
            }
        }), failure -> log.debug("console head poll failed: {}", failure.toString()));
    }

    /** Starts a tap at the head: it is told {@link ConsoleFeed.Started} and gets every event emitted from now on. */
    void startLive(Tap tap) {
        thread.schedule(() -> {
            tap.startAfter(delivered);
            if (tap.deliver(new ConsoleFeed.Started(delivered))) {
                register(tap);
            }
        });
    }

    /**
     * Switches a catching-up tap to live if what it still misses after {@code last} is in the ring of recent
     * events (at most half of {@code subscriber-buffer} of them): those are handed to it and it is registered, in
     * one step on the dispatch thread, so nothing is missed or doubled. Otherwise the caller reads another page from
     * the log and tries again.
     */
    Mono<Boolean> trySwitch(Tap tap, long last) {
        return Mono.fromCallable(() -> switchNow(tap, last)).subscribeOn(thread);
    }

    private boolean switchNow(Tap tap, long last) {
        if (tap.isClosed()) {
            return true;
        }
        if (last >= delivered) {
            tap.startAfter(last);
            register(tap);
            return true;
        }
        long low = Math.max(ringFloor, delivered - ring.length + 1);
        if (last + 1 < low) {
            return false;
        }
        tap.startAfter(last);
        List<ConsoleEvent> missed = new ArrayList<>();
        for (long id = last + 1; id <= delivered; id++) {
            ConsoleEvent event = ring[(int) (id & mask)];
            if (event != null && event.id() == id && tap.wants(event)) {
                missed.add(event);
                if (missed.size() > settings.subscriberBuffer() / 2) {
                    return false;
                }
            }
        }
        for (ConsoleEvent event : missed) {
            if (!tap.offer(event)) {
                return true;
            }
        }
        register(tap);
        return true;
    }

    /** Forgets a tap that is over. */
    void release(Tap tap) {
        thread.schedule(() -> unregister(tap));
    }

    /** Ends a tap on the dispatch thread, after the events it is being handed (the server stops its feeds). */
    void end(Tap tap) {
        thread.schedule(() -> tap.end(null));
    }

    private void register(Tap tap) {
        for (String channel : tap.channels()) {
            taps.computeIfAbsent(channel, c -> new ArrayList<>()).add(tap);
        }
    }

    private void unregister(Tap tap) {
        tap.close();
        for (String channel : tap.channels()) {
            List<Tap> subscribed = taps.get(channel);
            if (subscribed != null) {
                subscribed.remove(tap);
                if (subscribed.isEmpty()) {
                    taps.remove(channel);
                }
            }
        }
    }

    @Override
    public void start() {
        Long head = reader.head().block(java.time.Duration.ofSeconds(30));
        delivered = head == null ? 0 : head;
        ringFloor = delivered + 1;
        running.add(fanout.announcements().subscribe(this::accept));
        if (fanout.shared()) {
            running.add(Flux.interval(settings.headPoll(), settings.headPoll(), thread).subscribe(tick -> pollHead()));
        }
        started = true;
    }

    @Override
    public void stop() {
        started = false;
        running.dispose();
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    @Override
    public int getPhase() {
        return LifecyclePhases.CONSOLE_DISPATCH;
    }
}
