package io.agentworkspace.project;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.agentworkspace.support.Upcasting;

/**
 * A ProjectRegistered stored as revision 1 (the catalogue's own v1 example, as the old code wrote it) reads as a
 * valid revision 2 with {@code registeredBy = unknown}; a revision 2 event passes unchanged.
 */
class ProjectRegisteredUpcasterTest {

    @Test
    void revisionOneReadsAsRevisionTwoWithAnUnknownCaller() {
        ProjectRegistered upcast = read("1");
        assertThat(upcast.registeredBy()).isEqualTo("unknown");
        assertThat(upcast.projectId()).isEqualTo("3f0c6b1e-8a51-4c0e-9d0f-5b2f8d6e7a11");
        assertThat(upcast.name()).isEqualTo("billing-service");
        assertThat(upcast.registeredAt()).isEqualTo(Instant.parse("2026-11-27T09:15:02.113Z"));
    }

    @Test
    void revisionTwoPassesUnchanged() {
        assertThat(read("2").registeredBy()).isEqualTo("4f2a9c0d81b3e7a6");
    }

    private static ProjectRegistered read(String revision) {
        return Upcasting.read(new ProjectRegisteredUpcaster(), ProjectRegistered.class,
                Upcasting.example(ProjectRegistered.class, revision), revision, "2");
    }
}
