package io.agentworkspace.projection;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.LifecyclePhases;
import io.agentworkspace.infrastructure.axon.ProjectionSettings;

/**
 * How far every event processor has got: its position in the global event stream and its lag behind the head of
 * the store, as the gauges {@code agent.processor.position} and {@code agent.processor.lag}, with the segments this
 * node holds ({@code agent.processor.segments}: a node holding none reports the whole history as lag, so alerts
 * look only at nodes holding segments). Sampled on a timer of its own, since reading the head is a query, and a
 * scrape must never wait on the database.
 */
@Component
public class ProcessorProgress implements SmartLifecycle {

    /** @param position the lowest position any segment of this node has reached, -1 before the first event */
    public record Progress(String processor, long position, long head, long lag, int segments, boolean running,
                           boolean errored) {
    }

    private static final Logger log = LoggerFactory.getLogger(ProcessorProgress.class);

    private final EventProcessingConfiguration processing;
    private final EventStore eventStore;
    private final MeterRegistry meters;
    private final long intervalMs;
    private final AtomicLong head = new AtomicLong(-1);
    private final Map<String, Progress> latest = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong[]> gauges = new ConcurrentHashMap<>();
    private ScheduledExecutorService sampler;

    ProcessorProgress(EventProcessingConfiguration processing, EventStore eventStore, MeterRegistry meters,
                      ProjectionSettings settings) {
        this.processing = processing;
        this.eventStore = eventStore;
        this.meters = meters;
        this.intervalMs = settings.progressIntervalMs();
        Gauge.builder("agent.event.store.head", head, AtomicLong::get)
                .description("Global index of the newest event in the store").register(meters);
    }

    public Map<String, Progress> latest() {
        return Map.copyOf(latest);
    }

    /** Samples now, on the caller's thread (blocking: one query). */
    public Map<String, Progress> sample() {
        long headPosition = positionOf(eventStore.createHeadToken());
        head.set(headPosition);
        processing.eventProcessors().forEach((name, processor) -> {
            if (processor instanceof StreamingEventProcessor streaming) {
                Progress progress = progressOf(name, streaming, headPosition);
                latest.put(name, progress);
                AtomicLong[] values = gauges.computeIfAbsent(name, this::registerGauges);
                values[0].set(progress.position());
                values[1].set(progress.lag());
                values[2].set(progress.segments());
            }
        });
        return latest();
    }

    private static Progress progressOf(String name, StreamingEventProcessor processor, long head) {
        Map<Integer, EventTrackerStatus> status = processor.processingStatus();
        long position = status.values().stream()
                .map(EventTrackerStatus::getCurrentPosition)
                .mapToLong(current -> current.orElse(-1))
                .min().orElse(-1);
        boolean errored = status.values().stream().anyMatch(EventTrackerStatus::isErrorState);
        long lag = status.isEmpty() ? head : Math.max(0, head - Math.max(position, 0));
        return new Progress(name, position, head, lag, status.size(), processor.isRunning(), errored);
    }

    private static long positionOf(TrackingToken token) {
        if (token == null) {
            return -1;
        }
        OptionalLong position = token.position();
        return position.orElse(-1);
    }

    private AtomicLong[] registerGauges(String processor) {
        AtomicLong position = new AtomicLong(-1);
        AtomicLong lag = new AtomicLong(0);
        AtomicLong segments = new AtomicLong(0);
        Gauge.builder("agent.processor.position", position, AtomicLong::get).tag("processor", processor)
                .description("Global index the event processor has reached").register(meters);
        Gauge.builder("agent.processor.lag", lag, AtomicLong::get).tag("processor", processor)
                .description("Events in the store the processor has not handled yet").register(meters);
        Gauge.builder("agent.processor.segments", segments, AtomicLong::get).tag("processor", processor)
                .description("Segments of the processor this node holds").register(meters);
        return new AtomicLong[] {position, lag, segments};
    }

    @Override
    public void start() {
        sampler = Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("processor-progress-"));
        sampler.scheduleWithFixedDelay(() -> {
            try {
                sample();
            } catch (RuntimeException e) {
                log.debug("processor progress sample failed", e);
            }
        }, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (sampler != null) {
            sampler.shutdownNow();
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
