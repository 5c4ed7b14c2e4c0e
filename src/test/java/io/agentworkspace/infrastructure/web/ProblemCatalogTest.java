package io.agentworkspace.infrastructure.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The problem vocabulary read from docs/errors.md's table, as the OpenAPI document and the problem pages use it. */
class ProblemCatalogTest {

    @Test
    void readsEveryTypeOfARowWithItsStatusAndWhen() {
        ProblemCatalog catalog = new ProblemCatalog("""
                # Errors

                | type | status | when |
                |---|---|---|
                | `/problems/invalid-token-request` / `unknown-preset` | 400 | a token request that does not say what |
                | `/problems/not-a-directory`, `/problems/not-a-file` | 400 | listing a file, reading a directory |
                | `/problems/projection-lagging` | 503 | a change was not shown within 10 s |
                | `/problems/projection-lagging` | 503 | a request was not shown within 10 s |
                | `/problems/method-not-allowed` | 405 | |
                """);
        assertThat(catalog.all()).extracting(ProblemCatalog.Entry::type).containsExactly("invalid-token-request",
                "method-not-allowed", "not-a-directory", "not-a-file", "projection-lagging", "unknown-preset");
        assertThat(catalog.require("unknown-preset").status()).isEqualTo(400);
        assertThat(catalog.require("unknown-preset").uri()).isEqualTo("/problems/unknown-preset");
        assertThat(catalog.require("projection-lagging").when())
                .isEqualTo("a change was not shown within 10 s; a request was not shown within 10 s");
        assertThat(catalog.find("type")).isEmpty();
        assertThatThrownBy(() -> catalog.require("no-such-type")).hasMessageContaining("no-such-type");
    }

    @Test
    void aTypeWithTwoStatusesIsAMistakeInTheTable() {
        assertThatThrownBy(() -> new ProblemCatalog("""
                | `/problems/conflict` | 409 | one |
                | `/problems/conflict` | 400 | two |
                """)).hasMessageContaining("conflict");
    }

    @Test
    void theShippedTableListsTheTypesEveryOperationCanGive() {
        ProblemCatalog shipped = new ProblemCatalog();
        for (String type : new String[] {"unauthenticated", "forbidden", "csrf-token-invalid", "too-many-requests",
                "malformed-request", "validation-failed", "payload-too-large", "unsupported-media-type",
                "rejected-request", "internal-error"}) {
            assertThat(shipped.find(type)).as(type).isPresent();
        }
        assertThat(shipped.require("too-many-requests").status()).isEqualTo(429);
    }
}
