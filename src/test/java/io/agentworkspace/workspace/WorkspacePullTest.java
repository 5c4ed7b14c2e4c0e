package io.agentworkspace.workspace;

import java.time.Instant;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Given events, when a command, expect events: a pull records exactly one outcome. */
class WorkspacePullTest {

    static final String PULL = "1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b";
    static final String PROJECT = "3f0c6b1e-8a51-4c0e-9d0f-5b2f8d6e7a11";
    static final Instant AT = Instant.parse("2026-12-01T08:00:00Z");
    static final WorkspacePulled PULLED = new WorkspacePulled(PULL, PROJECT, "main",
            "9fceb02d0ae598e95dc970b74767f19372d61af8", "1b4e28ba2fa1c48b1b2a8a6b4c4d3f1e9a7c3d21", true, 4, AT);
    static final WorkspacePullFailed FAILED = new WorkspacePullFailed(PULL, PROJECT, "pull-not-fast-forward",
            "Branch main has diverged from origin; only fast-forward pulls are made.", AT);

    AggregateTestFixture<WorkspacePull> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(WorkspacePull.class);
    }

    @Test
    void aSuccessfulPullIsRecorded() {
        fixture.givenNoPriorActivity().when(new RecordWorkspacePull(PULL, PULLED, null)).expectEvents(PULLED);
    }

    @Test
    void aRefusedPullIsRecorded() {
        fixture.givenNoPriorActivity().when(new RecordWorkspacePull(PULL, null, FAILED)).expectEvents(FAILED);
    }

    @Test
    void aPullHasExactlyOneOutcome() {
        fixture.givenNoPriorActivity().when(new RecordWorkspacePull(PULL, PULLED, FAILED))
                .expectException(IllegalArgumentException.class).expectNoEvents();
        fixture.givenNoPriorActivity().when(new RecordWorkspacePull(PULL, null, null))
                .expectException(IllegalArgumentException.class).expectNoEvents();
    }
}
