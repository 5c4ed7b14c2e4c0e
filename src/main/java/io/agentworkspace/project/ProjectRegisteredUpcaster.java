package io.agentworkspace.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.axon.JsonRevisionUpcaster;

/**
 * Reads ProjectRegistered revision 1 (stored before registrations named their caller) as revision 2, with
 * {@code registeredBy} = {@value #UNKNOWN}.
 */
@Component
class ProjectRegisteredUpcaster extends JsonRevisionUpcaster {

    static final String UNKNOWN = "unknown";

    ProjectRegisteredUpcaster() {
        super(ProjectRegistered.class, 1);
    }

    @Override
    protected JsonNode upcast(ObjectNode payload) {
        return payload.put("registeredBy", UNKNOWN);
    }
}
