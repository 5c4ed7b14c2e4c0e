package io.agentworkspace.infrastructure.events;

import java.util.List;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;

import io.agentworkspace.infrastructure.axon.EventJson;

/**
 * Refuses to publish an event whose JSON does not match its schema in the catalogue, so the history can only
 * hold what {@code events/} documents. The refusal rolls back the unit of work: nothing half-written.
 */
public final class CatalogueConformance implements MessageDispatchInterceptor<EventMessage<?>> {

    private final EventCatalogue catalogue;
    private final Serializer serializer;

    public CatalogueConformance(EventCatalogue catalogue, Serializer serializer) {
        this.catalogue = catalogue;
        this.serializer = serializer;
    }

    @Override
    public BiFunction<Integer, EventMessage<?>, EventMessage<?>> handle(List<? extends EventMessage<?>> messages) {
        return (index, message) -> {
            check(message.getPayload());
            return message;
        };
    }

    public void check(Object payload) {
        SerializedType type = serializer.typeForClass(payload.getClass());
        JsonNode json = EventJson.mapper().valueToTree(payload);
        List<String> violations = catalogue.violations(type.getName(), type.getRevision(), json);
        if (!violations.isEmpty()) {
            throw new EventSchemaViolation(type.getName() + " revision " + type.getRevision()
                    + " does not match its schema: " + violations);
        }
    }

    public static final class EventSchemaViolation extends IllegalStateException {
        EventSchemaViolation(String message) {
            super(message);
        }
    }
}
