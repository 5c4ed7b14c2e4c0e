package io.agentworkspace.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.agentworkspace.infrastructure.axon.EventJson;
import io.agentworkspace.support.Upcasting;

/**
 * A PairingCodeIssued stored as revision 1 (the catalogue's v1 example) reads as a valid revision 2 whose
 * {@code codeHmac} is empty (it can no longer be redeemed) and whose unkeyed hash is gone.
 */
class PairingCodeIssuedUpcasterTest {

    @Test
    void revisionOneReadsAsRevisionTwoThatCanNoLongerBeRedeemed() {
        PairingCodeIssued upcast = Upcasting.read(new PairingCodeIssuedUpcaster(), PairingCodeIssued.class,
                Upcasting.example(PairingCodeIssued.class, "1"), "1", "2");
        assertThat(upcast.codeHmac()).isEmpty();
        assertThat(upcast.pairingId()).isEqualTo("6c1a8d2e-0f4b-4c1e-9a7d-3b5e2f1c0d9a");
        assertThat(upcast.label()).isEqualTo("Maria's iPhone");
        assertThat(upcast.expiresAt()).isEqualTo(Instant.parse("2026-11-27T09:35:00.120Z"));
        assertThat(upcast.issuedBy()).isEqualTo("5f2b8c0d1e3a4b69");
        assertThat(EventJson.mapper().valueToTree(upcast).has("codeSha256")).isFalse();
    }
}
