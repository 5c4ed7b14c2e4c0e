package io.agentworkspace.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;
import org.springframework.stereotype.Component;

/**
 * Reads ProjectRegistered revision 1 (stored before registrations named their caller) as revision 2, with
 * {@code registeredBy} = {@value #UNKNOWN}. The stored bytes stay as they are: the history is immutable, and the
 * chain vouches for them; only what handlers and aggregates receive is upcast. Axon registers every upcaster bean.
 */
@Component
class ProjectRegisteredUpcaster extends SingleEventUpcaster {

    static final String UNKNOWN = "unknown";
    private static final SimpleSerializedType REVISION_1 = new SimpleSerializedType(ProjectRegistered.class.getName(), "1");
    private static final SimpleSerializedType REVISION_2 = new SimpleSerializedType(ProjectRegistered.class.getName(), "2");

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation representation) {
        return REVISION_1.equals(representation.getType());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        return representation.upcastPayload(REVISION_2, JsonNode.class, payload -> {
            ((ObjectNode) payload).put("registeredBy", UNKNOWN);
            return payload;
        });
    }
}
