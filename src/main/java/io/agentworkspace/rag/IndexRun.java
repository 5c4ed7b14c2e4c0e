package io.agentworkspace.rag;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Clock;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * One index run of a project's workspace: requested once, finished at most once. A job retried after a crash may
 * report a second outcome; only the first is recorded.
 */
@Aggregate
class IndexRun {

    @AggregateIdentifier
    private String runId;
    private String projectId;
    private boolean finished;

    protected IndexRun() {
    }

    @CommandHandler
    IndexRun(RequestRagIndex command, Clock clock) {
        apply(new RagIndexRequested(command.runId(), command.projectId(), command.reason(), command.requestedBy(),
                clock.instant()));
    }

    @CommandHandler
    void handle(RecordRagIndexOutcome command, Clock clock) {
        if (finished) {
            return;
        }
        IndexCounts counts = command.counts();
        if (counts != null) {
            apply(new RagIndexCompleted(runId, projectId, counts.embedder(), counts.filesScanned(),
                    counts.filesChanged(), counts.filesDeleted(), counts.chunksEmbedded(), counts.chunksReused(),
                    counts.chunksDeleted(), counts.chunksTotal(), command.durationMs(), clock.instant()));
        } else {
            apply(new RagIndexFailed(runId, projectId, String.valueOf(command.failure()), command.durationMs(),
                    clock.instant()));
        }
    }

    @EventSourcingHandler
    void on(RagIndexRequested event) {
        runId = event.runId();
        projectId = event.projectId();
    }

    @EventSourcingHandler
    void on(RagIndexCompleted event) {
        finished = true;
    }

    @EventSourcingHandler
    void on(RagIndexFailed event) {
        finished = true;
    }
}
