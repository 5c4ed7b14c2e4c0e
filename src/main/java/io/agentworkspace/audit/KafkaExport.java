package io.agentworkspace.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.axon.EventJson;
import io.agentworkspace.infrastructure.kafka.KafkaGateway;

/**
 * Publishes every event of the history to Kafka, keyed by aggregate id, as the JSON an auditor sees (one
 * {@link AuditedEvent} per record, payload in its current revision). The payload is taken as the serializer holds
 * it (upcast JSON), never turned into an object and back; the metadata is the map Axon already read.
 *
 * Its processor's tokens (one per segment) are the stored position: a batch's records are sent in order and all
 * acknowledged before the token moves, in the batch's transaction, so a crash resends (at least once, never lost)
 * and nothing of one aggregate is reordered (an aggregate lives in one segment; the producer is idempotent).
 * Consumers drop repeats by {@code eventId}.
 */
@Component
@ProcessingGroup(KafkaExport.PROCESSOR)
@ConditionalOnProperty(name = {"agent.kafka.enabled", "agent.kafka.export.enabled"}, havingValue = "true")
class KafkaExport {

    static final String PROCESSOR = "kafka-export";
    private static final String BATCH = KafkaExport.class.getName() + ".batch";
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaGateway kafka;
    private final Serializer serializer;
    private final KafkaExportSettings settings;
    private volatile boolean topicReady;

    KafkaExport(KafkaGateway kafka, @Qualifier("eventSerializer") Serializer serializer, KafkaExportSettings settings) {
        this.kafka = kafka;
        this.serializer = serializer;
        this.settings = settings;
    }

    @EventHandler
    void on(EventMessage<?> event, TrackingToken token) throws JsonProcessingException {
        String key = event instanceof DomainEventMessage<?> domain ? domain.getAggregateIdentifier() : event.getIdentifier();
        batch().add(new KafkaGateway.Outgoing(key, EventJson.mapper().writeValueAsString(render(event, token))));
    }

    private AuditedEvent render(EventMessage<?> event, TrackingToken token) {
        SerializedType type = serializer.typeForClass(event.getPayloadType());
        DomainEventMessage<?> domain = event instanceof DomainEventMessage<?> d ? d : null;
        return new AuditedEvent(token.position().orElse(-1), event.getIdentifier(),
                domain == null ? event.getIdentifier() : domain.getAggregateIdentifier(),
                domain == null ? null : domain.getType(), domain == null ? 0 : domain.getSequenceNumber(),
                type.getName(), type.getRevision(), DateTimeUtils.formatInstant(event.getTimestamp()),
                event.serializePayload(serializer, JsonNode.class).getData(),
                EventJson.mapper().valueToTree(event.getMetaData()), null);
    }

    /** The records of the batch being handled; sent, in order, when the batch's unit of work prepares to commit. */
    private List<KafkaGateway.Outgoing> batch() {
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        return unitOfWork.getOrComputeResource(BATCH, key -> {
            List<KafkaGateway.Outgoing> records = new ArrayList<>();
            unitOfWork.onPrepareCommit(committing -> send(records));
            return records;
        });
    }

    private void send(List<KafkaGateway.Outgoing> records) {
        ensureTopic();
        kafka.sendAll(settings.topic(), records).block(ACK_TIMEOUT);
    }

    /** Once, before the first send of any segment: a send to a missing topic would have the broker create it. */
    private void ensureTopic() {
        if (!topicReady) {
            synchronized (this) {
                if (!topicReady) {
                    kafka.ensureTopic(settings.topic(), settings.partitions()).block(ACK_TIMEOUT);
                    topicReady = true;
                }
            }
        }
    }
}
