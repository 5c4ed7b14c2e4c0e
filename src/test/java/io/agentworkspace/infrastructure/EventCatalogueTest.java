package io.agentworkspace.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.axonframework.serialization.Revision;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

import io.agentworkspace.infrastructure.axon.EventJson;
import io.agentworkspace.infrastructure.events.CatalogueConformance;
import io.agentworkspace.infrastructure.events.EventCatalogue;
import io.agentworkspace.project.ProjectRegistered;

/** The event catalogue in events/ is complete, its examples are valid, and a wrong event is refused. */
class EventCatalogueTest {

    private final EventCatalogue catalogue = EventCatalogue.load();
    private final Serializer serializer = JacksonSerializer.builder().objectMapper(EventJson.mapper()).build();

    static Set<Class<?>> eventClasses() {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Revision.class));
        return scanner.findCandidateComponents("io.agentworkspace").stream()
                .map(definition -> {
                    try {
                        return Class.forName(definition.getBeanClassName());
                    } catch (ClassNotFoundException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .collect(Collectors.toSet());
    }

    @Test
    void everyEventClassHasASchemaForItsRevision() {
        Set<Class<?>> events = eventClasses();
        assertThat(events).as("event classes found").isNotEmpty();
        for (Class<?> event : events) {
            assertThat(event.isRecord()).as(event + " is a record").isTrue();
            SerializedType type = serializer.typeForClass(event);
            assertThat(catalogue.entry(type.getName(), type.getRevision()))
                    .as("schema in events/ for %s revision %s", type.getName(), type.getRevision()).isNotNull();
        }
    }

    @Test
    void everySchemaBelongsToAnEventClassAndHasAnExampleThatValidatesAndRoundTrips() throws Exception {
        Set<String> classes = eventClasses().stream().map(Class::getName).collect(Collectors.toSet());
        assertThat(catalogue.entries()).isNotEmpty();
        for (EventCatalogue.Entry entry : catalogue.entries()) {
            assertThat(entry.example()).as("example beside " + entry.location()).isNotNull();
            assertThat(catalogue.violations(entry.javaType(), entry.revision(), entry.example()))
                    .as("example of " + entry.location()).isEmpty();
            Class<?> type = Class.forName(entry.javaType());
            if (serializer.typeForClass(type).getRevision().equals(entry.revision())) {
                assertThat(classes).contains(entry.javaType());
                Object event = EventJson.mapper().treeToValue(entry.example(), type);
                JsonNode again = EventJson.mapper().readTree(EventJson.mapper().writeValueAsString(event));
                assertThat(again).as("round trip of " + entry.location())
                        .isEqualTo(EventJson.mapper().readTree(entry.example().toString()));
            }
        }
    }

    @Test
    void aDeliberatelyWrongEventFailsTheCatalogue() {
        ObjectNode wrong = (ObjectNode) catalogue.entry(ProjectRegistered.class.getName(), "1").example().deepCopy();
        wrong.put("sourceKind", "ftp");
        wrong.remove("registeredAt");
        wrong.put("unexpected", true);
        assertThat(catalogue.violations(ProjectRegistered.class.getName(), "1", wrong))
                .hasSizeGreaterThanOrEqualTo(3);

        CatalogueConformance conformance = new CatalogueConformance(catalogue, serializer);
        ProjectRegistered blankName = new ProjectRegistered("3f0c6b1e-8a51-4c0e-9d0f-5b2f8d6e7a11", "",
                "git-url", "https://example.com/a.git", Instant.now(), "4f2a9c0d81b3e7a6");
        assertThatThrownBy(() -> conformance.check(blankName))
                .isInstanceOf(CatalogueConformance.EventSchemaViolation.class)
                .hasMessageContaining("ProjectRegistered");

        @Revision("1")
        record Undocumented(String what) {
        }
        assertThatThrownBy(() -> conformance.check(new Undocumented("x")))
                .hasMessageContaining("no schema in events/");
    }

    @Test
    void aValidEventPasses() {
        CatalogueConformance conformance = new CatalogueConformance(catalogue, serializer);
        conformance.check(new ProjectRegistered("3f0c6b1e-8a51-4c0e-9d0f-5b2f8d6e7a11", "ok", "local-path",
                "/srv/repos/ok", Instant.now(), "4f2a9c0d81b3e7a6"));
    }
}
