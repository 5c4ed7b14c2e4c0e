package io.agentworkspace.run;

import java.time.Instant;
import java.util.List;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.run.FinishRun.Outcome;

class RunTest {

    static final String RUN = "9a4e2f1c-7b3d-4c8e-a1f2-6d5e4c3b2a19";
    static final String PROJECT = "3f0c6b1e-8a51-4c0e-9d0f-5b2f8d6e7a11";
    static final Instant AT = Instant.parse("2026-11-27T10:00:00.120Z");
    static final RunLimits LIMITS = new RunLimits(60, 1000, 1.0);
    static final RunSummary DONE = new RunSummary("completed", 10, 5, 0.01, 1, 0, List.of("a.txt"), 1, 100);

    AggregateTestFixture<Run> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Run.class);
    }

    static RunQueued queued(String policy) {
        return new RunQueued(RUN, PROJECT, "agents-default", "script", "m", "say hi", LIMITS, policy, null, "tok", AT);
    }

    @Test
    void queueingRecordsTheRun() {
        fixture.givenNoPriorActivity()
                .when(new QueueRun(RUN, PROJECT, "agents-default", "script", "m", "say hi", LIMITS, "requeue", null, "tok", AT))
                .expectEvents(queued("requeue"));
    }

    @Test
    void onlyOneClaimOfAnAttemptWins() {
        fixture.given(queued("requeue"))
                .when(new BeginRun(RUN, 1, "node-a", 7, AT))
                .expectResultMessagePayload(true)
                .expectEvents(new RunStarting(RUN, PROJECT, "agents-default", 1, "node-a", 7, AT));
        fixture.given(queued("requeue"), new RunStarting(RUN, PROJECT, "agents-default", 1, "node-a", 7, AT))
                .when(new BeginRun(RUN, 1, "node-b", 8, AT))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    @Test
    void aRunningRunSucceedsOnceAndALateOutcomeChangesNothing() {
        fixture.given(queued("requeue"), new RunStarting(RUN, PROJECT, "agents-default", 1, "n", 7, AT),
                        new RunStarted(RUN, PROJECT, "agents-default", 1, AT))
                .when(new FinishRun(RUN, 1, Outcome.SUCCEEDED, DONE, AT))
                .expectEvents(new RunSucceeded(RUN, PROJECT, "agents-default", 1, DONE, AT));
        fixture.given(queued("requeue"), new RunStarting(RUN, PROJECT, "agents-default", 1, "n", 7, AT),
                        new RunSucceeded(RUN, PROJECT, "agents-default", 1, DONE, AT))
                .when(new FinishRun(RUN, 1, Outcome.FAILED, DONE, AT))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    @Test
    void cancellingAQueuedRunEndsItAndARunningOneAsksItsNode() {
        fixture.given(queued("requeue"))
                .when(new CancelRun(RUN, "tok", AT))
                .expectEvents(new RunCancelled(RUN, PROJECT, "agents-default", 1, RunSummary.of("cancelled before it started"), AT));
        fixture.given(queued("requeue"), new RunStarting(RUN, PROJECT, "agents-default", 1, "n", 7, AT),
                        new RunStarted(RUN, PROJECT, "agents-default", 1, AT))
                .when(new CancelRun(RUN, "tok", AT))
                .expectResultMessagePayload(RunState.RUNNING)
                .expectEvents(new RunCancelRequested(RUN, PROJECT, "tok", AT));
        fixture.given(queued("requeue"), new RunCancelled(RUN, PROJECT, "agents-default", 1, RunSummary.of("x"), AT))
                .when(new CancelRun(RUN, "tok", AT))
                .expectException(RejectedCommand.class)
                .expectNoEvents();
    }

    @Test
    void anInterruptedRunIsRequeuedByItsPolicyUntilItsAttemptsRunOut() {
        fixture.given(queued("requeue"), new RunStarting(RUN, PROJECT, "agents-default", 1, "n", 7, AT))
                .when(new InterruptRun(RUN, 1, "node restarted", 3, AT))
                .expectEvents(new RunInterrupted(RUN, PROJECT, "agents-default", 1, "node restarted", true, AT),
                        new RunRequeued(RUN, PROJECT, "agents-default", 2, AT));
        fixture.given(queued("fail"), new RunStarting(RUN, PROJECT, "agents-default", 1, "n", 7, AT))
                .when(new InterruptRun(RUN, 1, "node restarted", 3, AT))
                .expectEvents(new RunInterrupted(RUN, PROJECT, "agents-default", 1, "node restarted", false, AT));
        fixture.given(queued("requeue"), new RunStarting(RUN, PROJECT, "agents-default", 1, "n", 7, AT),
                        new RunInterrupted(RUN, PROJECT, "agents-default", 1, "x", true, AT),
                        new RunRequeued(RUN, PROJECT, "agents-default", 2, AT),
                        new RunStarting(RUN, PROJECT, "agents-default", 2, "n", 9, AT))
                .when(new InterruptRun(RUN, 2, "again", 2, AT))
                .expectEvents(new RunInterrupted(RUN, PROJECT, "agents-default", 2, "again", false, AT));
    }

    @Test
    void anOutcomeOfAnEarlierAttemptIsIgnored() {
        fixture.given(queued("requeue"), new RunStarting(RUN, PROJECT, "agents-default", 1, "n", 7, AT),
                        new RunInterrupted(RUN, PROJECT, "agents-default", 1, "x", true, AT),
                        new RunRequeued(RUN, PROJECT, "agents-default", 2, AT))
                .when(new MarkRunStarted(RUN, 1, AT))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    @Test
    void onlyAnEndedRunCanBeRetried() {
        fixture.given(queued("requeue"))
                .when(new RetryRun(RUN, "00000000-0000-4000-8000-000000000001", "tok", AT))
                .expectException(RejectedCommand.class);
        fixture.given(queued("requeue"), new RunStarting(RUN, PROJECT, "agents-default", 1, "n", 7, AT),
                        new RunFailed(RUN, PROJECT, "agents-default", 1, DONE, AT))
                .when(new RetryRun(RUN, "00000000-0000-4000-8000-000000000001", "tok2", AT))
                .expectResultMessagePayload("00000000-0000-4000-8000-000000000001")
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void aDrainingNodeHandsARunBackWithoutSpendingAnAttempt() {
        RunStarting starting = new RunStarting(RUN, PROJECT, "agents-default", 1, "node-a", 7, AT);
        fixture.given(queued("requeue"), starting, new RunStarted(RUN, PROJECT, "agents-default", 1, AT))
                .when(new HandOverRun(RUN, 1, "node-a", "deploy drain", AT))
                .expectResultMessagePayload(true)
                .expectEvents(new RunHandedOver(RUN, PROJECT, "agents-default", 1, "node-a", "deploy drain", AT),
                        new RunRequeued(RUN, PROJECT, "agents-default", 2, AT));
        // handed over once, then a crash of attempt 2 with 2 attempts allowed: requeued, since the hand-over was no
        // failed attempt (without it, the second attempt's crash would end the run)
        fixture.given(queued("requeue"), starting,
                        new RunHandedOver(RUN, PROJECT, "agents-default", 1, "node-a", "deploy drain", AT),
                        new RunRequeued(RUN, PROJECT, "agents-default", 2, AT),
                        new RunStarting(RUN, PROJECT, "agents-default", 2, "node-b", 9, AT))
                .when(new InterruptRun(RUN, 2, "node restarted", 2, AT))
                .expectEvents(new RunInterrupted(RUN, PROJECT, "agents-default", 2, "node restarted", true, AT),
                        new RunRequeued(RUN, PROJECT, "agents-default", 3, AT));
        // a late hand-over of an attempt that already ended changes nothing; a cancelled one ends cancelled
        fixture.given(queued("requeue"), starting, new RunSucceeded(RUN, PROJECT, "agents-default", 1, DONE, AT))
                .when(new HandOverRun(RUN, 1, "node-a", "deploy drain", AT))
                .expectResultMessagePayload(false)
                .expectNoEvents();
        fixture.given(queued("requeue"), starting, new RunCancelRequested(RUN, PROJECT, "tok", AT))
                .when(new HandOverRun(RUN, 1, "node-a", "deploy drain", AT))
                .expectEvents(new RunCancelled(RUN, PROJECT, "agents-default", 1,
                        RunSummary.of("cancelled by request while its node drained"), AT));
    }
}
