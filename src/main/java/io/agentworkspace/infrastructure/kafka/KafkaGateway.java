package io.agentworkspace.infrastructure.kafka;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The one adapter between the product and Kafka: kafka-clients' producer sends, reactor-kafka receives.
 * reactor-kafka is discontinued upstream; nothing else in the code base may touch it, so it can be swapped for
 * another client here alone.
 */
public interface KafkaGateway {

    /** A record as the product sees it: key and value as UTF-8 text, plus where it sits in its partition. */
    record Record(String topic, String key, String value, int partition, long offset) {
    }

    /** A record to send: its key picks the partition, so records of one key keep their order. */
    record Outgoing(String key, String value) {
    }

    /** Sends and completes when the broker acknowledged the write (acks=all). */
    Mono<Record> send(String topic, String key, String value);

    /**
     * Sends the records in their order and completes once the broker acknowledged every one (acks=all), or fails
     * on the first that could not be written. Retries inside the client never reorder records of one key.
     */
    Mono<Void> sendAll(String topic, java.util.List<Outgoing> records);

    /** Creates the topic with that many partitions unless it exists. */
    Mono<Void> ensureTopic(String topic, int partitions);

    /**
     * Reads a topic from its beginning as a member of {@code group}, committing offsets as records are consumed.
     */
    Flux<Record> receive(String topic, String group);

    /** Completes when the cluster answers within the timeout, with the number of brokers that answered. */
    Mono<Integer> ping(Duration timeout);
}
