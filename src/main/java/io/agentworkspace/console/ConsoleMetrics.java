package io.agentworkspace.console;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * The console's figures: subscribers and deliveries per transport, publish-to-deliver latency, slow subscribers
 * cut off, and the log's append latency and batch sizes. Meters are looked up once, never per event.
 */
@Component
public class ConsoleMetrics {

    /** The ways a subscriber receives the stream. */
    public enum Transport {
        WS("ws"), SSE("sse"), POLL("poll");

        private final String tag;

        Transport(String tag) {
            this.tag = tag;
        }
    }

    private final Counter published;
    private final Counter rejected;
    private final Timer append;
    private final Timer queueWait;
    private final DistributionSummary batchSize;
    private final AtomicInteger[] subscribers = new AtomicInteger[Transport.values().length];
    private final Counter[] deliveries = new Counter[Transport.values().length];
    private final Counter[] slow = new Counter[Transport.values().length];
    private final Timer[] latency = new Timer[Transport.values().length];
    static final int LATENCY_SAMPLE = 8;
    private final int[] sampled = new int[Transport.values().length];

    ConsoleMetrics(MeterRegistry meters) {
        published = Counter.builder("agent.console.published").description("Console events appended to the log")
                .register(meters);
        rejected = Counter.builder("agent.console.publish.rejected")
                .description("Publishes refused because the log's queue was full").register(meters);
        append = Timer.builder("agent.console.log.append").description("Time to append one batch (one transaction)")
                .publishPercentileHistogram().register(meters);
        queueWait = Timer.builder("agent.console.log.publish")
                .description("From publish() to the event being durable (queue wait plus append)")
                .publishPercentileHistogram().register(meters);
        batchSize = DistributionSummary.builder("agent.console.log.batch.size").description("Events per append")
                .register(meters);
        for (Transport transport : Transport.values()) {
            int i = transport.ordinal();
            subscribers[i] = new AtomicInteger();
            Gauge.builder("agent.console.subscribers", subscribers[i], AtomicInteger::get).tag("transport", transport.tag)
                    .description("Open console subscriptions").register(meters);
            deliveries[i] = Counter.builder("agent.console.deliveries").tag("transport", transport.tag)
                    .description("Console events handed to subscribers").register(meters);
            slow[i] = Counter.builder("agent.console.slow.disconnects").tag("transport", transport.tag)
                    .description("Subscribers cut off because they fell too far behind").register(meters);
            latency[i] = Timer.builder("agent.console.delivery.latency").tag("transport", transport.tag)
                    .description("From an event being published to its delivery to a subscriber's connection "
                            + "(one delivery in " + LATENCY_SAMPLE + ")")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10)).register(meters);
        }
    }

    void appended(int events, long nanos) {
        published.increment(events);
        batchSize.record(events);
        append.record(nanos, TimeUnit.NANOSECONDS);
    }

    void queued(long nanos) {
        queueWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    void rejected() {
        rejected.increment();
    }

    public void subscribed(Transport transport) {
        subscribers[transport.ordinal()].incrementAndGet();
    }

    public void unsubscribed(Transport transport) {
        subscribers[transport.ordinal()].decrementAndGet();
    }

    /**
     * Counts every delivery; the latency of one delivery in {@link #LATENCY_SAMPLE} (a histogram update and a clock
     * read per delivery cost more than the rest of a delivery's accounting, and a sample keeps the distribution).
     */
    public void delivered(Transport transport, ConsoleEvent event) {
        int i = transport.ordinal();
        deliveries[i].increment();
        // racy on purpose: which deliveries are sampled does not matter, only that about one in eight is
        if ((++sampled[i] & (LATENCY_SAMPLE - 1)) == 0) {
            long micros = ConsoleClock.nowMicros() - event.publishedMicros();
            latency[i].record(Math.max(0, micros), TimeUnit.MICROSECONDS);
        }
    }

    public void slowDisconnect(Transport transport) {
        slow[transport.ordinal()].increment();
    }
}
