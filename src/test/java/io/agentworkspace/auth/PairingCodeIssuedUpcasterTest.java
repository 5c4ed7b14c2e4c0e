package io.agentworkspace.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.agentworkspace.infrastructure.axon.EventJson;
import io.agentworkspace.infrastructure.events.EventCatalogue;
import io.agentworkspace.support.Upcasting;

/**
 * A PairingCodeIssued stored as revision 1 (the catalogue's v1 example) reads as a valid revision 2 whose
 * {@code codeHmac} is empty, and its unkeyed hash is gone; a revision 2 event passes unchanged.
 */
class PairingCodeIssuedUpcasterTest {

    private final EventCatalogue catalogue = EventCatalogue.load();

    @Test
    void revisionOneReadsAsRevisionTwoThatCanNoLongerBeRedeemed() {
        String v1 = catalogue.entry(PairingCodeIssued.class.getName(), "1").example().toString();
        PairingCodeIssued upcast = read(v1, "1");
        assertThat(upcast.codeHmac()).isEmpty();
        assertThat(upcast.pairingId()).isEqualTo("6c1a8d2e-0f4b-4c1e-9a7d-3b5e2f1c0d9a");
        assertThat(upcast.label()).isEqualTo("Maria's iPhone");
        assertThat(upcast.expiresAt()).isEqualTo(Instant.parse("2026-11-27T09:35:00.120Z"));
        assertThat(upcast.issuedBy()).isEqualTo("5f2b8c0d1e3a4b69");
        assertThat(EventJson.mapper().valueToTree(upcast).has("codeSha256")).isFalse();
        assertThat(catalogue.violations(PairingCodeIssued.class.getName(), "2", EventJson.mapper().valueToTree(upcast)))
                .as("the upcast event is a valid revision 2").isEmpty();
    }

    @Test
    void revisionTwoPassesUnchanged() {
        String v2 = catalogue.entry(PairingCodeIssued.class.getName(), "2").example().toString();
        assertThat(read(v2, "2").codeHmac()).startsWith("7d1e3a0c");
    }

    private static PairingCodeIssued read(String json, String revision) {
        return Upcasting.read(new PairingCodeIssuedUpcaster(), PairingCodeIssued.class, json, revision, "2");
    }
}
