package io.agentworkspace.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;
import org.springframework.stereotype.Component;

/**
 * Reads PairingCodeIssued revision 1 (an unkeyed SHA-256 of the code) as revision 2 with an empty
 * {@code codeHmac}: such a pairing can no longer be redeemed, and the old hash reaches no handler or read model.
 * Its codes expired five minutes after they were issued, so nothing usable is lost; the stored bytes stay as they
 * are (the history is immutable and chained).
 */
@Component
class PairingCodeIssuedUpcaster extends SingleEventUpcaster {

    private static final SimpleSerializedType REVISION_1 = new SimpleSerializedType(PairingCodeIssued.class.getName(), "1");
    private static final SimpleSerializedType REVISION_2 = new SimpleSerializedType(PairingCodeIssued.class.getName(), "2");

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation representation) {
        return REVISION_1.equals(representation.getType());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        return representation.upcastPayload(REVISION_2, JsonNode.class, payload -> {
            ObjectNode object = (ObjectNode) payload;
            object.remove("codeSha256");
            ObjectNode upcast = object.objectNode();
            upcast.put("pairingId", object.path("pairingId").asText());
            upcast.put("codeHmac", "");
            upcast.set("label", object.get("label"));
            upcast.set("expiresAt", object.get("expiresAt"));
            upcast.set("issuedAt", object.get("issuedAt"));
            upcast.set("issuedBy", object.get("issuedBy"));
            return upcast;
        });
    }
}
