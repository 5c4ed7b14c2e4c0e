package io.agentworkspace.infrastructure.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.ReceiverOptions;

/** Sends with kafka-clients' own producer (idempotent, acks=all), receives with reactor-kafka. */
final class KafkaClientsGateway implements KafkaGateway, DisposableBean {

    private final String bootstrapServers;
    private final Producer<String, String> producer;
    private final AdminClient admin;

    KafkaClientsGateway(String bootstrapServers, String clientId) {
        this.bootstrapServers = bootstrapServers;
        Map<String, Object> producer = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        this.producer = new KafkaProducer<>(producer);
        this.admin = AdminClient.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
    }

    @Override
    public Mono<Record> send(String topic, String key, String value) {
        return Mono.<RecordMetadata>create(sink -> producer.send(new ProducerRecord<>(topic, key, value),
                        (metadata, failure) -> {
                            if (failure != null) {
                                sink.error(failure);
                            } else {
                                sink.success(metadata);
                            }
                        }))
                .subscribeOn(Schedulers.boundedElastic()) // the producer may block while it fetches metadata
                .map(metadata -> new Record(topic, key, value, metadata.partition(), metadata.offset()));
    }

    /**
     * The whole batch goes to the producer in one call and is waited for once: a per-record reactive path (a
     * wrapper, a result signal and a scheduler hop per record) costs more than the send itself. The producer is
     * idempotent with acks=all, so its own retries keep each key's order.
     */
    @Override
    public Mono<Void> sendAll(String topic, List<Outgoing> records) {
        if (records.isEmpty()) {
            return Mono.empty();
        }
        return Mono.defer(() -> {
            BatchAcknowledgement acknowledged = new BatchAcknowledgement(records.size());
            for (Outgoing record : records) {
                producer.send(new ProducerRecord<>(topic, record.key(), record.value()), acknowledged);
            }
            return Mono.fromFuture(acknowledged.all);
        }).subscribeOn(Schedulers.boundedElastic()); // the producer may block while it fetches metadata
    }

    /** Completes when the broker acknowledged every record of a batch, or fails with the first that it refused. */
    private static final class BatchAcknowledgement implements Callback {
        private final CompletableFuture<Void> all = new CompletableFuture<>();
        private final AtomicInteger waiting;

        BatchAcknowledgement(int records) {
            this.waiting = new AtomicInteger(records);
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception failure) {
            if (failure != null) {
                all.completeExceptionally(failure);
            } else if (waiting.decrementAndGet() == 0) {
                all.complete(null);
            }
        }
    }

    @Override
    public Mono<Void> ensureTopic(String topic, int partitions) {
        return Mono.fromCallable(() -> {
                    if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                        try {
                            admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.of(partitions), java.util.Optional.empty()))).all().get(10, TimeUnit.SECONDS);
                        } catch (java.util.concurrent.ExecutionException e) {
                            if (!(e.getCause() instanceof TopicExistsException)) {
                                throw e;
                            }
                        }
                    }
                    return topic;
                })
                .subscribeOn(Schedulers.boundedElastic())
                .then();
    }

    @Override
    public Flux<Record> receive(String topic, String group) {
        Map<String, Object> consumer = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        ReceiverOptions<String, String> options = ReceiverOptions.<String, String>create(consumer)
                .subscription(List.of(topic));
        return KafkaReceiver.create(options).receive()
                .map(received -> {
                    received.receiverOffset().acknowledge();
                    return new Record(received.topic(), received.key(), received.value(), received.partition(),
                            received.offset());
                });
    }

    @Override
    public Mono<Integer> ping(Duration timeout) {
        return Mono.fromCallable(() -> admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size())
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public void destroy() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(2));
    }
}
