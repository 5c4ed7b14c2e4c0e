package io.agentworkspace.run;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.createNew;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * One run of an agent. It decides every transition of the lifecycle; the commands from nodes carry the attempt
 * they belong to, so a late outcome of an attempt that was already interrupted (or a second node's claim) changes
 * nothing. Answers {@code false} where a node's command came too late, and refuses what a client asked wrongly.
 */
@Aggregate
class Run {

    static final String REQUEUE = "requeue";
    static final String FAIL = "fail";

    @AggregateIdentifier
    private String runId;
    private RunQueued spec;
    private RunState state;
    private int attempt;
    private boolean cancelRequested;
    private int handOvers;

    protected Run() {
    }

    @CommandHandler
    Run(QueueRun command) {
        apply(new RunQueued(command.runId(), command.projectId(), command.queue(), command.provider(), command.model(),
                command.prompt(), command.limits(), command.onInterrupt(), command.retryOf(), command.requestedBy(),
                command.queuedAt()));
    }

    @CommandHandler
    boolean handle(BeginRun command) {
        if (state != RunState.QUEUED || command.attempt() != attempt) {
            return false;
        }
        apply(new RunStarting(runId, spec.projectId(), spec.queue(), attempt, command.node(), command.fencingToken(),
                command.at()));
        return true;
    }

    @CommandHandler
    boolean handle(MarkRunStarted command) {
        if (state != RunState.STARTING || command.attempt() != attempt) {
            return false;
        }
        apply(new RunStarted(runId, spec.projectId(), spec.queue(), attempt, command.at()));
        return true;
    }

    @CommandHandler
    RunState handle(CancelRun command) {
        if (state.isTerminal()) {
            throw RejectedCommand.conflict("run-finished", "Run " + runId + " has already ended (" + state.wireName() + ").");
        }
        if (state == RunState.QUEUED) {
            apply(new RunCancelled(runId, spec.projectId(), spec.queue(), attempt,
                    RunSummary.of("cancelled before it started"), command.at()));
            return RunState.CANCELLED;
        }
        if (!cancelRequested) {
            apply(new RunCancelRequested(runId, spec.projectId(), command.requestedBy(), command.at()));
        }
        return state;
    }

    @CommandHandler
    String handle(RetryRun command) throws Exception {
        if (!state.isTerminal()) {
            throw RejectedCommand.conflict("run-not-finished",
                    "Run " + runId + " is " + state.wireName() + "; only an ended run can be retried.");
        }
        createNew(Run.class, () -> new Run(new QueueRun(command.newRunId(), spec.projectId(), spec.queue(),
                spec.provider(), spec.model(), spec.prompt(), spec.limits(), spec.onInterrupt(), runId,
                command.requestedBy(), command.at())));
        return command.newRunId();
    }

    @CommandHandler
    boolean handle(FinishRun command) {
        if (!state.isActive() || command.attempt() != attempt) {
            return false;
        }
        String projectId = spec.projectId();
        String queue = spec.queue();
        apply(switch (command.outcome()) {
            case SUCCEEDED -> new RunSucceeded(runId, projectId, queue, attempt, command.summary(), command.at());
            case FAILED -> new RunFailed(runId, projectId, queue, attempt, command.summary(), command.at());
            case CANCELLED -> new RunCancelled(runId, projectId, queue, attempt, command.summary(), command.at());
            case TIMED_OUT -> new RunTimedOut(runId, projectId, queue, attempt, command.summary(), command.at());
        });
        return true;
    }

    @CommandHandler
    boolean handle(InterruptRun command) {
        if (!state.isActive() || command.attempt() != attempt) {
            return false;
        }
        // attempts a draining node handed back were not failures: they do not count against the limit
        boolean requeue = REQUEUE.equals(spec.onInterrupt()) && !cancelRequested
                && attempt - handOvers < command.maxAttempts();
        apply(new RunInterrupted(runId, spec.projectId(), spec.queue(), attempt, command.reason(), requeue, command.at()));
        if (requeue) {
            apply(new RunRequeued(runId, spec.projectId(), spec.queue(), attempt + 1, command.at()));
        }
        return true;
    }

    @CommandHandler
    boolean handle(HandOverRun command) {
        if (!state.isActive() || command.attempt() != attempt) {
            return false;
        }
        if (cancelRequested) {
            apply(new RunCancelled(runId, spec.projectId(), spec.queue(), attempt,
                    RunSummary.of("cancelled by request while its node drained"), command.at()));
            return true;
        }
        apply(new RunHandedOver(runId, spec.projectId(), spec.queue(), attempt, command.node(), command.reason(),
                command.at()));
        apply(new RunRequeued(runId, spec.projectId(), spec.queue(), attempt + 1, command.at()));
        return true;
    }

    @EventSourcingHandler
    void on(RunQueued event) {
        runId = event.runId();
        spec = event;
        state = RunState.QUEUED;
        attempt = 1;
    }

    @EventSourcingHandler
    void on(RunStarting event) {
        state = RunState.STARTING;
    }

    @EventSourcingHandler
    void on(RunStarted event) {
        state = RunState.RUNNING;
    }

    @EventSourcingHandler
    void on(RunCancelRequested event) {
        cancelRequested = true;
    }

    @EventSourcingHandler
    void on(RunEnded event) {
        state = event.endState();
    }

    @EventSourcingHandler
    void on(RunInterrupted event) {
        state = RunState.INTERRUPTED;
    }

    @EventSourcingHandler
    void on(RunHandedOver event) {
        handOvers++;
    }

    @EventSourcingHandler
    void on(RunRequeued event) {
        state = RunState.QUEUED;
        attempt = event.attempt();
    }
}
