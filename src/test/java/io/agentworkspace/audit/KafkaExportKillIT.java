package io.agentworkspace.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.agentworkspace.auth.ApiTokenRevoked;
import io.agentworkspace.support.AppProcess;
import io.agentworkspace.support.BulkEvents;
import io.agentworkspace.support.StandaloneEventStore;
import io.agentworkspace.support.TestServices;

/**
 * The Kafka export survives a real kill: 10k events, the application (the packaged jar, a process of its own on a
 * fresh MariaDB database) is killed with SIGKILL while exporting and started again; the topic then holds every
 * event at least once, each aggregate's events in order, and dropping repeats by event id yields exactly the
 * store's sequence.
 */
class KafkaExportKillIT {

    private static final int AGGREGATES = 1000;
    private static final int EVENTS_PER_AGGREGATE = 10;
    /** Records on the topic when the first service is killed. */
    private static final int KILL_AFTER = 300;
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path scratch;

    @Test
    void everyEventReachesTheTopicInOrderPerAggregateAcrossAKill() throws Exception {
        String database = TestServices.createDatabase();
        String topic = "export-kill-" + UUID.randomUUID();
        try (StandaloneEventStore store = new StandaloneEventStore(database)) {
            seed(store.bulk());
            Map<String, Object> properties = Map.of(
                    "spring.datasource.url", TestServices.jdbcUrl(database),
                    "spring.datasource.username", TestServices.mariaDbUser(),
                    "spring.datasource.password", TestServices.mariaDbPassword(),
                    "spring.r2dbc.url", TestServices.r2dbcUrl(database),
                    "spring.r2dbc.username", TestServices.mariaDbUser(),
                    "spring.r2dbc.password", TestServices.mariaDbPassword(),
                    "spring.data.redis.host", TestServices.redis().host(),
                    "spring.data.redis.port", TestServices.redis().port(),
                    "spring.kafka.bootstrap-servers", TestServices.kafkaBootstrap(),
                    "agent.kafka.export.topic", topic);
            Map<String, Object> slowFirstRun = new LinkedHashMap<>(properties);
            // one event per batch (an acknowledged send and a token update each): 10,000 round trips, so the kill
            // lands midway even on a machine that starts the service slowly and exports fast
            slowFirstRun.put("agent.kafka.export.batch-size", 1);

            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = consumer(topic)) {
                try (AppProcess first = AppProcess.start(scratch.resolve("data"), "mysql,kafka", slowFirstRun,
                        Duration.ofSeconds(120))) {
                    pollUntil(consumer, received, KILL_AFTER, Duration.ofSeconds(90));
                    first.kill();
                }
                pollFor(consumer, received, Duration.ofSeconds(3));
                int receivedAtKill = received.size();
                assertThat(receivedAtKill).as("killed midway").isBetween(KILL_AFTER, AGGREGATES * EVENTS_PER_AGGREGATE - 1);

                try (AppProcess second = AppProcess.start(scratch.resolve("data"), "mysql,kafka", properties,
                        Duration.ofSeconds(120))) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    while (distinctIds(received).size() < storedCount(store) && System.nanoTime() < deadline) {
                        pollFor(consumer, received, Duration.ofSeconds(1));
                    }
                }
            }
            verify(store, received);
        }
    }

    private void verify(StandaloneEventStore store, List<ConsumerRecord<String, String>> received) throws Exception {
        Map<String, List<Long>> storedPerAggregate = new LinkedHashMap<>();
        List<String> storedIds = new ArrayList<>();
        store.jdbc().query("SELECT eventIdentifier, aggregateIdentifier, sequenceNumber FROM DomainEventEntry "
                + "ORDER BY globalIndex", row -> {
            storedIds.add(row.getString(1));
            storedPerAggregate.computeIfAbsent(row.getString(2), key -> new ArrayList<>()).add(row.getLong(3));
        });

        Set<String> seen = new HashSet<>();
        List<String> deduplicated = new ArrayList<>();
        Map<String, List<Long>> receivedPerAggregate = new LinkedHashMap<>();
        int repeats = 0;
        for (ConsumerRecord<String, String> record : received) {
            JsonNode event = json.readTree(record.value());
            assertThat(record.key()).isEqualTo(event.get("aggregateId").asText());
            if (!seen.add(event.get("eventId").asText())) {
                repeats++;
                continue;
            }
            deduplicated.add(event.get("eventId").asText());
            receivedPerAggregate.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(event.get("sequence").asLong());
        }
        assertThat(seen).as("every stored event is on the topic").containsExactlyInAnyOrderElementsOf(storedIds);
        assertThat(receivedPerAggregate).as("after dropping repeats, each aggregate's events in the store's order")
                .isEqualTo(storedPerAggregate);
        // one partition holds whole aggregates in order; across partitions the global order is the store's order per key
        System.out.printf("Kafka export across a kill: %d stored, %d records received, %d repeats dropped%n",
                storedIds.size(), received.size(), repeats);
    }

    private static long storedCount(StandaloneEventStore store) {
        return store.jdbc().queryForObject("SELECT COUNT(*) FROM DomainEventEntry", Long.class);
    }

    private Set<String> distinctIds(List<ConsumerRecord<String, String>> received) throws Exception {
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<String, String> record : received) {
            ids.add(json.readTree(record.value()).get("eventId").asText());
        }
        return ids;
    }

    /** Interleaves 1000 aggregates of 10 events each, 200 events per transaction. */
    private static void seed(BulkEvents bulk) {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < AGGREGATES; i++) {
            tokens.add(BulkEvents.tokenId());
        }
        List<DomainEventMessage<?>> batch = new ArrayList<>();
        for (int seq = 0; seq < EVENTS_PER_AGGREGATE; seq++) {
            for (String token : tokens) {
                batch.add(seq == 0 ? BulkEvents.issued(token, "export-" + token)
                        : new GenericDomainEventMessage<>("ApiToken", token, seq,
                        new ApiTokenRevoked(token, "revocation " + seq, Instant.now(), "export-test")));
                if (batch.size() == 200) {
                    bulk.append(batch);
                    batch = new ArrayList<>();
                }
            }
        }
    }

    private static KafkaConsumer<String, String> consumer(String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaBootstrap());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "export-kill-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config);
        consumer.subscribe(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(topic)));
        return consumer;
    }

    private static void pollUntil(KafkaConsumer<String, String> consumer, List<ConsumerRecord<String, String>> received,
                                  int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count) {
            assertThat(System.nanoTime()).as("records arriving before the kill").isLessThan(deadline);
            pollFor(consumer, received, Duration.ofMillis(100));
        }
    }

    private static void pollFor(KafkaConsumer<String, String> consumer, List<ConsumerRecord<String, String>> received,
                                Duration duration) {
        consumer.poll(duration).forEach(received::add);
    }
}
