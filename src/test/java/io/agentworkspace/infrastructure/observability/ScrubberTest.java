package io.agentworkspace.infrastructure.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScrubberTest {

    @Test
    void credentialsInATextAreBlankedAndTheRestKept() {
        String token = "aw_0123456789abcdef." + "A".repeat(43);
        String text = "call failed: Authorization: Bearer " + token + " for https://user:hunter2hunter2@git.example.com/r.git"
                + " with api_key=sk-live0123456789abcdef0123 and password: \"p4ssw0rd-p4ssw0rd\" (status 500)";

        String scrubbed = Scrubber.scrub(text);

        assertThat(scrubbed).doesNotContain(token, "hunter2hunter2", "sk-live0123456789abcdef0123", "p4ssw0rd-p4ssw0rd",
                "user:");
        assertThat(scrubbed).contains("call failed", "git.example.com/r.git", "(status 500)", "[scrubbed]");
    }

    @Test
    void aTextWithoutCredentialsIsUnchanged() {
        String text = "run failed: max-tokens: used 1200 of 1000 tokens";
        assertThat(Scrubber.scrub(text)).isEqualTo(text);
        assertThat(Scrubber.scrub(null)).isNull();
    }
}
