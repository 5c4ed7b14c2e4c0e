package io.agentworkspace.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;

import io.agentworkspace.infrastructure.axon.EventJson;
import io.agentworkspace.infrastructure.events.EventCatalogue;

/**
 * Reads a stored event's JSON payload through upcasters as the event store would, into the event's class, and
 * checks the result against the catalogue's schema of the revision it reached.
 */
public final class Upcasting {

    private static final Serializer SERIALIZER = JacksonSerializer.builder().objectMapper(EventJson.mapper()).build();
    private static final EventCatalogue CATALOGUE = EventCatalogue.load();

    private Upcasting() {
    }

    /** The event stored as {@code json} at {@code revision}, read at {@code expectedRevision} through the chain. */
    public static <T> T read(EventUpcaster upcaster, Class<T> type, String json, String revision,
                             String expectedRevision) {
        GenericDomainEventEntry<byte[]> stored = new GenericDomainEventEntry<>("Aggregate", "a1", 0, "e1",
                "2026-11-27T09:15:02.113Z", type.getName(), revision, json.getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8));
        List<IntermediateEventRepresentation> upcast = new EventUpcasterChain(upcaster)
                .upcast(Stream.of(new InitialEventRepresentation(stored, SERIALIZER))).toList();
        assertThat(upcast).hasSize(1);
        assertThat(upcast.get(0).getType().getRevision()).isEqualTo(expectedRevision);
        T event = type.cast(SERIALIZER.deserialize(upcast.get(0).getData()));
        assertThat(CATALOGUE.violations(type.getName(), expectedRevision, EventJson.mapper().valueToTree(event)))
                .as("a valid revision " + expectedRevision).isEmpty();
        return event;
    }

    /** The catalogue's example of the event at this revision, as it was stored. */
    public static String example(Class<?> type, String revision) {
        return CATALOGUE.entry(type.getName(), revision).example().toString();
    }
}
