package io.agentworkspace.run;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.LifecyclePhases;
import io.agentworkspace.infrastructure.Polling;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The run queues in Prometheus shape, per queue: how many runs wait and run now (gauges, cluster-wide from the read
 * model, one grouped count every 5 s so a scrape never waits on the database), the wait from queued to claimed (a histogram,
 * recorded by the node that claims), and counters of runs ended by state, interruptions and hand-overs (counted by
 * the node that records them, once committed). Rates and quantiles are the queries' work, not the service's.
 * A subscribing processor: it sees the events this node publishes, as it publishes them.
 */
@Component
@ProcessingGroup(RunMetrics.PROCESSOR)
class RunMetrics implements SmartLifecycle {

    static final String PROCESSOR = "run-metrics";
    private static final Logger log = LoggerFactory.getLogger(RunMetrics.class);
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    private final Runs runs;
    private final Map<String, AtomicReference<Runs.QueueLoad>> latest = new ConcurrentHashMap<>();
    private final Map<String, Timer> waits = new HashMap<>();
    private final Map<String, Map<RunState, Counter>> ended = new HashMap<>();
    private final Map<String, Counter> interruptions = new HashMap<>();
    private final Map<String, Counter> handedOver = new HashMap<>();
    private Disposable sampler;

    RunMetrics(Runs runs, RunSettings settings, MeterRegistry meters) {
        this.runs = runs;
        for (String queue : settings.queues().keySet()) {
            AtomicReference<Runs.QueueLoad> figures = new AtomicReference<>();
            latest.put(queue, figures);
            Gauge.builder("agent.runs.pending", figures, ref -> ref.get() == null ? Double.NaN : ref.get().pending())
                    .tag("queue", queue).description("Runs waiting in the queue (cluster-wide)").register(meters);
            Gauge.builder("agent.runs.running", figures, ref -> ref.get() == null ? Double.NaN : ref.get().running())
                    .tag("queue", queue).description("Runs starting or running (cluster-wide)").register(meters);
            waits.put(queue, Timer.builder("agent.runs.wait").tag("queue", queue)
                    .description("From queued (or requeued) to claimed by a node")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5))
                    .maximumExpectedValue(Duration.ofHours(1)).register(meters));
            Map<RunState, Counter> byState = new EnumMap<>(RunState.class);
            for (RunState state : RunState.values()) {
                if (state.isTerminal()) {
                    byState.put(state, Counter.builder("agent.runs.ended").tag("queue", queue)
                            .tag("state", state.wireName()).description("Runs that reached this terminal state")
                            .register(meters));
                }
            }
            ended.put(queue, byState);
            interruptions.put(queue, Counter.builder("agent.runs.interruptions").tag("queue", queue)
                    .description("Attempts interrupted (node gone, lease lost), requeued or not").register(meters));
            handedOver.put(queue, Counter.builder("agent.runs.handed.over").tag("queue", queue)
                    .description("Running attempts a draining node handed back to their queue").register(meters));
        }
    }

    /** A node claimed a run that waited this long since it was queued. */
    void claimed(String queue, Duration waited) {
        Timer timer = waits.get(queue);
        if (timer != null) {
            timer.record(waited.isNegative() ? Duration.ZERO : waited);
        }
    }

    @EventHandler
    void on(RunEnded event) {
        afterCommit(() -> count(ended.get(event.queue()), event.endState()));
    }

    @EventHandler
    void on(RunInterrupted event) {
        afterCommit(() -> {
            increment(interruptions.get(event.queue()));
            if (!event.requeued()) {
                count(ended.get(event.queue()), RunState.INTERRUPTED);
            }
        });
    }

    @EventHandler
    void on(RunHandedOver event) {
        afterCommit(() -> increment(handedOver.get(event.queue())));
    }

    private static void afterCommit(Runnable count) {
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().afterCommit(unitOfWork -> count.run());
        } else {
            count.run();
        }
    }

    private static void count(Map<RunState, Counter> counters, RunState state) {
        if (counters != null) {
            increment(counters.get(state));
        }
    }

    private static void increment(Counter counter) {
        if (counter != null) {
            counter.increment();
        }
    }

    /** The figures of one count; a queue the count does not name has no pending or running run. */
    void update(Map<String, Runs.QueueLoad> load) {
        latest.forEach((queue, figures) -> figures.set(load.getOrDefault(queue, Runs.QueueLoad.NONE)));
    }

    @Override
    public void start() {
        sampler = Polling.every(Duration.ZERO, INTERVAL, () -> runs.load().doOnNext(this::update)
                        .onErrorResume(failure -> {
                            log.debug("queue figures not sampled", failure);
                            return Mono.empty();
                        }))
                .subscribe();
    }

    @Override
    public void stop() {
        if (sampler != null) {
            sampler.dispose();
            sampler = null;
        }
    }

    @Override
    public boolean isRunning() {
        return sampler != null;
    }

    @Override
    public int getPhase() {
        return LifecyclePhases.SAMPLERS;
    }
}
