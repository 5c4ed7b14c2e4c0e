package io.agentworkspace.run;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import io.agentworkspace.infrastructure.Polling;

/**
 * The queue view's figures as Prometheus gauges, per queue: {@code agent_runs_pending}, {@code agent_runs_running},
 * {@code agent_runs_wait_seconds{quantile="0.5"|"0.95"}}, {@code agent_runs_throughput_per_minute},
 * {@code agent_runs_failures_last_hour}. Sampled from the same query as {@code GET /api/queues} every 5 s, so a
 * scrape never waits on the database.
 */
@Component
class RunMetrics implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunMetrics.class);
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    private final Runs runs;
    private final Map<String, AtomicReference<QueueFigures>> latest = new ConcurrentHashMap<>();
    private Disposable sampler;

    RunMetrics(Runs runs, RunSettings settings, MeterRegistry meters) {
        this.runs = runs;
        for (String queue : settings.queues().keySet()) {
            AtomicReference<QueueFigures> figures = new AtomicReference<>();
            latest.put(queue, figures);
            gauge(meters, "agent.runs.pending", queue, null, "Runs waiting in the queue", figures, f -> f.pending());
            gauge(meters, "agent.runs.running", queue, null, "Runs starting or running", figures, f -> f.running());
            gauge(meters, "agent.runs.wait", queue, "0.5", "Wait from queued to starting, last hour", figures,
                    f -> f.waitP50Ms() == null ? Double.NaN : f.waitP50Ms() / 1000.0);
            gauge(meters, "agent.runs.wait", queue, "0.95", "Wait from queued to starting, last hour", figures,
                    f -> f.waitP95Ms() == null ? Double.NaN : f.waitP95Ms() / 1000.0);
            gauge(meters, "agent.runs.throughput.per.minute", queue, null, "Runs ended per minute, last 5 minutes",
                    figures, QueueFigures::throughputPerMinute);
            gauge(meters, "agent.runs.failures.last.hour", queue, null, "Runs failed, timed out or interrupted",
                    figures, f -> f.failuresLastHour());
        }
    }

    private static void gauge(MeterRegistry meters, String name, String queue, String quantile, String description,
                              AtomicReference<QueueFigures> figures,
                              java.util.function.ToDoubleFunction<QueueFigures> value) {
        Gauge.Builder<AtomicReference<QueueFigures>> builder = Gauge.builder(name, figures,
                        ref -> ref.get() == null ? Double.NaN : value.applyAsDouble(ref.get()))
                .tag("queue", queue).description(description);
        if (quantile != null) {
            builder.tag("quantile", quantile).baseUnit("seconds");
        }
        builder.register(meters);
    }

    void update(List<QueueFigures> figures) {
        figures.forEach(queue -> {
            AtomicReference<QueueFigures> slot = latest.get(queue.name());
            if (slot != null) {
                slot.set(queue);
            }
        });
    }

    @Override
    public void start() {
        sampler = Polling.every(Duration.ZERO, INTERVAL, () -> runs.queues().doOnNext(this::update)
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
        return Integer.MAX_VALUE - 100;
    }
}
