package io.agentworkspace.project;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.junit.jupiter.api.Test;

import io.agentworkspace.infrastructure.axon.EventJson;
import io.agentworkspace.infrastructure.events.EventCatalogue;

/**
 * A ProjectRegistered stored as revision 1 (the catalogue's own v1 example, as the old code wrote it) reads as
 * revision 2 with {@code registeredBy = unknown}; a revision 2 event passes unchanged.
 */
class ProjectRegisteredUpcasterTest {

    private final Serializer serializer = JacksonSerializer.builder().objectMapper(EventJson.mapper()).build();
    private final EventUpcasterChain chain = new EventUpcasterChain(new ProjectRegisteredUpcaster());
    private final EventCatalogue catalogue = EventCatalogue.load();

    @Test
    void revisionOneReadsAsRevisionTwoWithAnUnknownCaller() {
        String v1 = catalogue.entry(ProjectRegistered.class.getName(), "1").example().toString();
        ProjectRegistered upcast = read(v1, "1");
        assertThat(upcast.registeredBy()).isEqualTo("unknown");
        assertThat(upcast.projectId()).isEqualTo("3f0c6b1e-8a51-4c0e-9d0f-5b2f8d6e7a11");
        assertThat(upcast.name()).isEqualTo("billing-service");
        assertThat(upcast.registeredAt()).isEqualTo(Instant.parse("2026-11-27T09:15:02.113Z"));
        assertThat(catalogue.violations(ProjectRegistered.class.getName(), "2", EventJson.mapper().valueToTree(upcast)))
                .as("the upcast event is a valid revision 2").isEmpty();
    }

    @Test
    void revisionTwoPassesUnchanged() {
        String v2 = catalogue.entry(ProjectRegistered.class.getName(), "2").example().toString();
        assertThat(read(v2, "2").registeredBy()).isEqualTo("4f2a9c0d81b3e7a6");
    }

    private ProjectRegistered read(String json, String revision) {
        GenericDomainEventEntry<byte[]> stored = new GenericDomainEventEntry<>("Project",
                "3f0c6b1e-8a51-4c0e-9d0f-5b2f8d6e7a11", 0, "e1", "2026-11-27T09:15:02.113Z",
                ProjectRegistered.class.getName(), revision, json.getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8));
        List<IntermediateEventRepresentation> upcast = chain.upcast(
                java.util.stream.Stream.of(new InitialEventRepresentation(stored, serializer))).collect(Collectors.toList());
        assertThat(upcast).hasSize(1);
        assertThat(upcast.get(0).getType().getRevision()).isEqualTo("2");
        return serializer.deserialize(upcast.get(0).getData());
    }
}
