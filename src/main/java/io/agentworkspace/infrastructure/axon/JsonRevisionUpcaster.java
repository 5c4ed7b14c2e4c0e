package io.agentworkspace.infrastructure.axon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

/**
 * Reads one event type's JSON payload at revision {@code n} as revision {@code n + 1}; a subclass says how the
 * payload changes. The stored bytes stay as they are (the history is immutable and chained): only what handlers and
 * aggregates receive is upcast. Axon registers every upcaster bean, in the order of the chain.
 */
public abstract class JsonRevisionUpcaster extends SingleEventUpcaster {

    private final SimpleSerializedType from;
    private final SimpleSerializedType to;

    protected JsonRevisionUpcaster(Class<?> eventType, int fromRevision) {
        this.from = new SimpleSerializedType(eventType.getName(), Integer.toString(fromRevision));
        this.to = new SimpleSerializedType(eventType.getName(), Integer.toString(fromRevision + 1));
    }

    /** The payload of the next revision, made from (or out of) this revision's. */
    protected abstract JsonNode upcast(ObjectNode payload);

    @Override
    protected final boolean canUpcast(IntermediateEventRepresentation representation) {
        return from.equals(representation.getType());
    }

    @Override
    protected final IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        return representation.upcastPayload(to, JsonNode.class, payload -> upcast((ObjectNode) payload));
    }
}
