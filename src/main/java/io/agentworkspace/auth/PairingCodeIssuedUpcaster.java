package io.agentworkspace.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.axon.JsonRevisionUpcaster;

/**
 * Reads PairingCodeIssued revision 1 (an unkeyed SHA-256 of the code) as revision 2 with an empty
 * {@code codeHmac}: such a pairing can no longer be redeemed, and the old hash reaches no handler or read model.
 * Its codes expired five minutes after they were issued, so nothing usable is lost.
 */
@Component
class PairingCodeIssuedUpcaster extends JsonRevisionUpcaster {

    PairingCodeIssuedUpcaster() {
        super(PairingCodeIssued.class, 1);
    }

    @Override
    protected JsonNode upcast(ObjectNode payload) {
        ObjectNode upcast = payload.objectNode();
        upcast.put("pairingId", payload.path("pairingId").asText());
        upcast.put("codeHmac", "");
        upcast.set("label", payload.get("label"));
        upcast.set("expiresAt", payload.get("expiresAt"));
        upcast.set("issuedAt", payload.get("issuedAt"));
        upcast.set("issuedBy", payload.get("issuedBy"));
        return upcast;
    }
}
