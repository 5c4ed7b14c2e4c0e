package io.agentworkspace.project;

import java.time.Instant;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Given events, when a command, expect events: the Project aggregate's decisions. */
class ProjectTest {

    private static final String ID = "3f0c6b1e-8a51-4c0e-9d0f-5b2f8d6e7a11";
    private static final Instant AT = Instant.parse("2026-11-27T09:15:02Z");
    private final ProjectRegistered registered = new ProjectRegistered(ID, "billing", "git-url",
            "https://example.com/acme/billing.git", AT, "4f2a9c0d81b3e7a6");

    private FixtureConfiguration<Project> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Project.class);
    }

    @Test
    void theFirstSuccessfulCloneIsRecorded() {
        fixture.given(registered)
                .when(new RecordWorkspaceCloned(ID, "9fceb02d0ae598e95dc970b74767f19372d61af8", "main", 3, AT))
                .expectEvents(new WorkspaceCloned(ID, "9fceb02d0ae598e95dc970b74767f19372d61af8", "main", 3, AT));
    }

    @Test
    void theFirstFailedCloneIsRecorded() {
        fixture.given(registered)
                .when(new RecordWorkspaceCloneFailed(ID, "not found", AT))
                .expectEvents(new WorkspaceCloneFailed(ID, "not found", AT));
    }

    @Test
    void aRepeatedOutcomeFromARetriedCloneIsIgnored() {
        fixture.given(registered, new WorkspaceCloned(ID, "9fceb02d0ae598e95dc970b74767f19372d61af8", "main", 1, AT))
                .when(new RecordWorkspaceCloneFailed(ID, "retried after a crash", AT))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void anOutcomeForAnUnknownProjectIsRefused() {
        fixture.givenNoPriorActivity()
                .when(new RecordWorkspaceCloned(ID, null, null, 1, AT))
                .expectException(org.axonframework.modelling.command.AggregateNotFoundException.class);
    }
}
