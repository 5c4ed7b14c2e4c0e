package io.agentworkspace.project;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.agentworkspace.infrastructure.axon.EventJson;
import io.agentworkspace.infrastructure.events.EventCatalogue;
import io.agentworkspace.support.Upcasting;

/**
 * A ProjectRegistered stored as revision 1 (the catalogue's own v1 example, as the old code wrote it) reads as
 * revision 2 with {@code registeredBy = unknown}; a revision 2 event passes unchanged.
 */
class ProjectRegisteredUpcasterTest {

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

    private static ProjectRegistered read(String json, String revision) {
        return Upcasting.read(new ProjectRegisteredUpcaster(), ProjectRegistered.class, json, revision, "2");
    }
}
