package io.agentworkspace.audit;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import org.springframework.lang.Nullable;

import io.agentworkspace.infrastructure.axon.EventJson;

/**
 * An event as auditors see it, over HTTP, in the CLI and on Kafka: the one place where stored payloads are
 * rendered. The payload is shown as stored (its stored revision, not upcast): what the chain vouches for. Events
 * never hold a secret in plaintext (only ciphertext and fingerprints), so nothing is masked here.
 *
 * @param chainHash the event's link in the tamper-evident chain; null until it is chained (a moment after append)
 */
public record AuditedEvent(long position, String eventId, String aggregateId, @Nullable String aggregateType,
                           long sequence, String type, @Nullable String revision, String timestamp, JsonNode payload,
                           JsonNode metaData, @Nullable String chainHash) {

    static AuditedEvent of(StoredEvent event, @Nullable String chainHash) {
        return new AuditedEvent(event.position(), event.eventId(), event.aggregateId(), event.aggregateType(),
                event.sequence(), event.type(), event.revision(), event.timestamp(), json(event.payload()),
                json(event.metaData()), chainHash);
    }

    private static JsonNode json(@Nullable byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return NullNode.getInstance();
        }
        try {
            return EventJson.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored event is not JSON", e);
        }
    }
}
