package io.agentworkspace.auth;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;

import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Given events, when a command, expect events: a token is issued once and revoked at most once. */
class ApiTokenTest {

    static final String TOKEN = "tok_5b2f8d6e7a11";
    static final Instant AT = Instant.parse("2026-12-01T08:00:00Z");
    static final Instant EXPIRES = Instant.parse("2027-03-01T08:00:00Z");

    AggregateTestFixture<ApiToken> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ApiToken.class);
        fixture.registerInjectableResource(Clock.fixed(AT, ZoneOffset.UTC));
    }

    static ApiTokenIssued issued() {
        return new ApiTokenIssued(TOKEN, "ci", List.of("projects:read", "runs:write"), null, "9f86d081884c7d65",
                EXPIRES, AT, "admin");
    }

    @Test
    void issuingRecordsTheAbilitiesInOrderAndOnlyTheSecretsHash() {
        fixture.givenNoPriorActivity()
                .when(new IssueApiToken(TOKEN, "ci", EnumSet.of(Ability.RUNS_WRITE, Ability.PROJECTS_READ), null,
                        "9f86d081884c7d65", EXPIRES, "admin"))
                .expectEvents(issued());
    }

    @Test
    void theFirstRevocationWinsAndALaterOneChangesNothing() {
        fixture.given(issued())
                .when(new RevokeApiToken(TOKEN, "leaked", "admin"))
                .expectResultMessagePayload(true)
                .expectEvents(new ApiTokenRevoked(TOKEN, "leaked", AT, "admin"));
        fixture.given(issued(), new ApiTokenRevoked(TOKEN, "leaked", AT, "admin"))
                .when(new RevokeApiToken(TOKEN, "again", "someone"))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    @Test
    void anUnknownTokenCannotBeRevoked() {
        fixture.givenNoPriorActivity()
                .when(new RevokeApiToken(TOKEN, "leaked", "admin"))
                .expectException(AggregateNotFoundException.class);
    }
}
