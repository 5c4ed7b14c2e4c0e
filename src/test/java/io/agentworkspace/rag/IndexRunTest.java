package io.agentworkspace.rag;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IndexRunTest {

    static final Instant NOW = Instant.parse("2026-11-27T09:20:11.120Z");
    static final String RUN = "6d1f3a52-0c1e-4a8b-9a55-0e3f1c2b7d90";
    static final String PROJECT = "3f0c6b1e-8a51-4c0e-9d0f-5b2f8d6e7a11";
    static final IndexCounts COUNTS = new IndexCounts("local-hash-v1/384", 10, 3, 1, 7, 2, 12, 40);

    AggregateTestFixture<IndexRun> fixture;

    @BeforeEach
    void fixture() {
        fixture = new AggregateTestFixture<>(IndexRun.class);
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aRequestStartsARun() {
        fixture.givenNoPriorActivity()
                .when(new RequestRagIndex(RUN, PROJECT, "api", "a1b2c3d4e5f60718"))
                .expectEvents(new RagIndexRequested(RUN, PROJECT, "api", "a1b2c3d4e5f60718", NOW));
    }

    @Test
    void theFirstOutcomeIsRecordedWithItsCounts() {
        fixture.given(new RagIndexRequested(RUN, PROJECT, "api", "system", NOW))
                .when(new RecordRagIndexOutcome(RUN, COUNTS, null, 842))
                .expectEvents(new RagIndexCompleted(RUN, PROJECT, "local-hash-v1/384", 10, 3, 1, 7, 2, 12, 40, 842, NOW));
    }

    @Test
    void aFailureIsRecorded() {
        fixture.given(new RagIndexRequested(RUN, PROJECT, "api", "system", NOW))
                .when(new RecordRagIndexOutcome(RUN, null, "the workspace is not cloned", 5))
                .expectEvents(new RagIndexFailed(RUN, PROJECT, "the workspace is not cloned", 5, NOW));
    }

    @Test
    void aSecondOutcomeOfARedeliveredJobIsIgnored() {
        fixture.given(new RagIndexRequested(RUN, PROJECT, "api", "system", NOW),
                        new RagIndexCompleted(RUN, PROJECT, "local-hash-v1/384", 10, 3, 1, 7, 2, 12, 40, 842, NOW))
                .when(new RecordRagIndexOutcome(RUN, COUNTS, null, 900))
                .expectNoEvents();
    }
}
