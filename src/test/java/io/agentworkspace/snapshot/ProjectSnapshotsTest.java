package io.agentworkspace.snapshot;

import java.time.Instant;
import java.util.List;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agentworkspace.infrastructure.RejectedCommand;

/** Given events, when a command, expect events: what the snapshot aggregate allows and what retention prunes. */
class ProjectSnapshotsTest {

    private static final String PROJECT = "3f0c6b1e-8a51-4c0e-9d0f-5b2f8d6e7a11";
    private static final String S1 = "00000000-0000-4000-8000-000000000001";
    private static final String S2 = "00000000-0000-4000-8000-000000000002";
    private static final String S3 = "00000000-0000-4000-8000-000000000003";
    private static final Instant T0 = Instant.parse("2026-11-27T09:00:00Z");
    private static final RetentionPolicy NONE = new RetentionPolicy(null, null);

    private FixtureConfiguration<ProjectSnapshots> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ProjectSnapshots.class);
    }

    private static SnapshotRequested requested(String id, Instant at) {
        return new SnapshotRequested(id, PROJECT, null, "0f3a9c2e7b1d4e5f", at);
    }

    private static SnapshotCreated created(String id, Instant at) {
        return new SnapshotCreated(id, PROJECT, null, "local", PROJECT + "/" + id + ".tar.gz", 10, 20, 3,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 1, at);
    }

    @Test
    void aRequestOpensTheProjectsSnapshotsAndIsRecorded() {
        fixture.givenNoPriorActivity()
                .when(new RequestSnapshot(PROJECT, S1, "first", "0f3a9c2e7b1d4e5f", T0))
                .expectEvents(new SnapshotRequested(S1, PROJECT, "first", "0f3a9c2e7b1d4e5f", T0));
    }

    @Test
    void onlyTheFirstOutcomeIsRecorded() {
        fixture.given(requested(S1, T0), created(S1, T0))
                .when(new RecordSnapshotFailed(new SnapshotFailed(S1, PROJECT, "retried", T0)))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void keepLastPrunesTheOldestWhenANewSnapshotIsCreated() {
        Instant t2 = T0.plusSeconds(60);
        Instant t3 = T0.plusSeconds(120);
        fixture.given(requested(S1, T0), created(S1, T0), requested(S2, t2), created(S2, t2), requested(S3, t3))
                .when(new RecordSnapshotCreated(created(S3, t3), new RetentionPolicy(2, null)))
                .expectEvents(created(S3, t3), new SnapshotDeleted(S1, PROJECT, "retention: keep the last 2", null,
                        "local", PROJECT + "/" + S1 + ".tar.gz", t3));
    }

    @Test
    void theProjectsOwnPolicyWinsOverTheDefaultAndMaxAgeApplies() {
        Instant later = T0.plusSeconds(7200);
        fixture.given(new SnapshotRetentionSet(PROJECT, null, 3600L, null, T0), requested(S1, T0), created(S1, T0),
                        requested(S2, later), created(S2, later))
                .when(new ApplySnapshotRetention(PROJECT, new RetentionPolicy(10, null), later.plusSeconds(1)))
                .expectEvents(new SnapshotDeleted(S1, PROJECT, "retention: older than PT1H", null, "local",
                        PROJECT + "/" + S1 + ".tar.gz", later.plusSeconds(1)));
    }

    @Test
    void settingAPolicyAppliesItAtOnce() {
        Instant t2 = T0.plusSeconds(60);
        fixture.given(requested(S1, T0), created(S1, T0), requested(S2, t2), created(S2, t2))
                .when(new SetSnapshotRetention(PROJECT, new RetentionPolicy(1, null), "0f3a9c2e7b1d4e5f", t2))
                .expectEvents(new SnapshotRetentionSet(PROJECT, 1, null, "0f3a9c2e7b1d4e5f", t2),
                        new SnapshotDeleted(S1, PROJECT, "retention: keep the last 1", null, "local",
                                PROJECT + "/" + S1 + ".tar.gz", t2));
    }

    @Test
    void noDefaultAndNoPolicyPrunesNothing() {
        fixture.given(requested(S1, T0), created(S1, T0))
                .when(new ApplySnapshotRetention(PROJECT, NONE, T0.plusSeconds(999_999)))
                .expectNoEvents();
    }

    @Test
    void aSnapshotStillBeingTakenCanNeitherBeRestoredNorDeleted() {
        fixture.given(requested(S1, T0))
                .when(new AuthorizeSnapshotRestore(PROJECT, S1))
                .expectException(RejectedCommand.class).expectExceptionMessage("Snapshot " + S1 + " is still being taken.");
        fixture.given(requested(S1, T0))
                .when(new DeleteSnapshot(PROJECT, S1, null, T0))
                .expectException(RejectedCommand.class);
    }

    @Test
    void aCreatedSnapshotIsRestorableWithItsArchiveAndADeletedOneIsGone() {
        fixture.given(requested(S1, T0), created(S1, T0))
                .when(new AuthorizeSnapshotRestore(PROJECT, S1))
                .expectResultMessagePayload(new ArchiveRef("local", PROJECT + "/" + S1 + ".tar.gz", 10,
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
                .expectNoEvents();
        fixture.given(requested(S1, T0), created(S1, T0),
                        new SnapshotDeleted(S1, PROJECT, "deleted on request", null, "local", "k", T0))
                .when(new AuthorizeSnapshotRestore(PROJECT, S1))
                .expectException(RejectedCommand.class).expectExceptionMessage("No snapshot " + S1 + " in this project.");
    }

    @Test
    void deletingAFailedSnapshotNamesNoArchive() {
        fixture.given(requested(S1, T0), new SnapshotFailed(S1, PROJECT, "busy", T0))
                .when(new DeleteSnapshot(PROJECT, S1, "0f3a9c2e7b1d4e5f", T0))
                .expectEvents(new SnapshotDeleted(S1, PROJECT, "deleted on request", "0f3a9c2e7b1d4e5f", null, null, T0));
    }

    @Test
    void restoreOutcomesAreRecorded() {
        SnapshotRestored restored = new SnapshotRestored(S1, PROJECT, S2, null, 2, null, null, 1, 0, 0,
                List.of("a"), List.of(), List.of(), false, T0);
        fixture.given(requested(S1, T0), created(S1, T0))
                .when(new RecordSnapshotRestored(restored))
                .expectEvents(restored);
    }
}
