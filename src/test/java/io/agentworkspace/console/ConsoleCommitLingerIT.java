package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.support.EmbeddedApp;
import reactor.core.publisher.Flux;

/**
 * {@code agent.console.commit-linger}: an idle log writer waits that long before it appends, so the events
 * published meanwhile share one transaction (one commit) and keep their order and dense ids.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "agent.console.commit-linger=150ms")
class ConsoleCommitLingerIT {

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "console-linger-it");
    }

    @Autowired
    ConsoleEventService console;
    @Autowired
    ConsoleFeed feed;
    @Autowired
    MeterRegistry registry;

    @Test
    void anIdleWriterWaitsTheLingerAndAppendsWhatArrivedMeanwhileInOneCommit() {
        DistributionSummary batches = registry.get("agent.console.log.batch.size").summary();
        long appendsBefore = batches.count();
        double eventsBefore = batches.totalAmount();
        String channel = "linger-" + UUID.randomUUID();

        long started = System.nanoTime();
        List<Long> ids = Flux.range(0, 10)
                .flatMap(i -> console.publish(channel, "step", Map.of("i", i)))
                .collectList().block(Duration.ofSeconds(10));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // the batch is measured once its publishers were answered
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(batches.totalAmount() - eventsBefore).as("events appended").isEqualTo(10));
        assertThat(batches.count() - appendsBefore).as("appends").isEqualTo(1);
        assertThat(took).as("the writer waited its linger").isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(ids).hasSize(10).doesNotHaveDuplicates();
        assertThat(ids.stream().mapToLong(Long::longValue).max().getAsLong()
                - ids.stream().mapToLong(Long::longValue).min().getAsLong()).as("dense ids").isEqualTo(9);
        List<ConsoleEvent> stored = feed.page(channel, 0, 20).block(Duration.ofSeconds(10));
        assertThat(stored).extracting(ConsoleEvent::id).isSorted().containsExactlyInAnyOrderElementsOf(ids);
    }
}
