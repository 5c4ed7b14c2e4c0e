package io.agentworkspace.run;

import java.time.Instant;
import java.time.LocalDateTime;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.stereotype.Component;

import io.agentworkspace.projection.ProjectionTables;
import io.agentworkspace.projection.ProjectionWriter;

import io.agentworkspace.infrastructure.axon.EventJson;
import io.agentworkspace.infrastructure.persistence.UtcColumns;

/**
 * Builds the {@code runs} read model: the run list and detail, the queue view's figures, and the pending runs the
 * dispatcher takes. Writes join the processor's transaction (rows and token commit together); the dispatcher is
 * rung only after that commit, so it never looks for a run the table does not show yet.
 */
@Component
@ProcessingGroup(RunProjection.PROCESSOR)
class RunProjection {

    static final String PROCESSOR = "runs";
    /**
     * Milliseconds from the row's latest queueing to the start given as the parameter, computed by the database so
     * the handler need not read the row back (which would flush the batch on every start); the same on H2 and MariaDB.
     */
    private static final String WAIT_MS = "GREATEST(0, FLOOR(TIMESTAMPDIFF(MICROSECOND, queued_at, ?) / 1000))";

    private final ProjectionWriter writer;
    private final DispatchBell bell;

    RunProjection(ProjectionWriter writer, DispatchBell bell) {
        this.writer = writer;
        this.bell = bell;
    }

    @EventHandler
    void on(RunQueued event, @SequenceNumber long version) {
        LocalDateTime at = utc(event.queuedAt());
        writer.updateRow(event.runId(), """
                INSERT INTO %s (id, project_id, queue, provider, model, prompt, state, attempt, on_interrupt,
                timeout_seconds, max_tokens, max_cost_usd, retry_of, requested_by, first_queued_at, queued_at,
                input_tokens, output_tokens, cost_usd, turns, tool_calls, files_changed_count, interruptions,
                updated_at, version)
                VALUES (?, ?, ?, ?, ?, ?, 'queued', 1, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, ?, ?)"""
                .formatted(runs()),
                event.runId(), event.projectId(), event.queue(), event.provider(), event.model(), event.prompt(),
                event.onInterrupt(), event.limits().timeoutSeconds(), event.limits().maxTokens(),
                event.limits().maxCostUsd(), event.retryOf(), event.requestedBy(), at, at, at, version);
        ringAfterCommit();
    }

    @EventHandler
    void on(RunStarting event, @SequenceNumber long version) {
        writer.updateRow(event.runId(), """
                UPDATE %s SET state = 'starting', attempt = ?, node = ?, fencing_token = ?, starting_at = ?,
                started_at = NULL, wait_ms = %s, updated_at = ?, version = ? WHERE id = ?"""
                .formatted(runs(), WAIT_MS),
                event.attempt(), event.node(), event.fencingToken(), utc(event.startingAt()),
                utc(event.startingAt()), utc(event.startingAt()), version, event.runId());
    }

    @EventHandler
    void on(RunStarted event, @SequenceNumber long version) {
        writer.updateRow(event.runId(), "UPDATE %s SET state = 'running', started_at = ?, updated_at = ?, version = ? WHERE id = ?"
                .formatted(runs()),
                utc(event.startedAt()), utc(event.startedAt()), version, event.runId());
    }

    @EventHandler
    void on(RunCancelRequested event, @SequenceNumber long version) {
        writer.updateRow(event.runId(), "UPDATE %s SET cancel_requested_at = ?, updated_at = ?, version = ? WHERE id = ?".formatted(runs()),
                utc(event.requestedAt()), utc(event.requestedAt()), version, event.runId());
    }

    @EventHandler
    void on(RunEnded event, @SequenceNumber long version) {
        finished(event.runId(), event.endState(), event.summary(), event.finishedAt(), version);
    }

    @EventHandler
    void on(RunInterrupted event, @SequenceNumber long version) {
        writer.updateRow(event.runId(), """
                UPDATE %s SET state = 'interrupted', reason = ?, interruptions = interruptions + 1,
                finished_at = ?, updated_at = ?, version = ? WHERE id = ?""".formatted(runs()),
                event.reason(), utc(event.interruptedAt()), utc(event.interruptedAt()), version, event.runId());
    }

    @EventHandler
    void on(RunRequeued event, @SequenceNumber long version) {
        writer.updateRow(event.runId(), """
                UPDATE %s SET state = 'queued', attempt = ?, queued_at = ?, finished_at = NULL, node = NULL,
                fencing_token = NULL, starting_at = NULL, started_at = NULL, updated_at = ?, version = ? WHERE id = ?"""
                .formatted(runs()),
                event.attempt(), utc(event.requeuedAt()), utc(event.requeuedAt()), version, event.runId());
        ringAfterCommit();
    }

    @ResetHandler
    void reset() {
        writer.update("DELETE FROM %s".formatted(runs()));
    }

    private void finished(String runId, RunState state, RunSummary summary, Instant at, long version) {
        writer.updateRow(runId, """
                UPDATE %s SET state = ?, reason = ?, input_tokens = ?, output_tokens = ?, cost_usd = ?, turns = ?,
                tool_calls = ?, files_changed = ?, files_changed_count = ?, duration_ms = ?, finished_at = ?,
                updated_at = ?, version = ? WHERE id = ?""".formatted(runs()),
                state.wireName(), summary.reason(), summary.inputTokens(), summary.outputTokens(), summary.costUsd(),
                summary.turns(), summary.toolCalls(), json(summary), summary.filesChangedCount(),
                summary.durationMs(), utc(at), utc(at), version, runId);
    }

    /** Wakes the dispatcher once the rows are committed; a rebuild writing the shadow table has nothing to show it. */
    private void ringAfterCommit() {
        if (!runs().equals("runs")) {
            return;
        }
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().afterCommit(unitOfWork -> bell.ring());
        } else {
            bell.ring();
        }
    }

    private static String json(RunSummary summary) {
        try {
            return EventJson.mapper().writeValueAsString(summary.filesChanged());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static LocalDateTime utc(Instant instant) {
        return UtcColumns.column(instant);
    }

    /** The live table, or its shadow while a rebuild runs these handlers. */
    private static String runs() {
        return ProjectionTables.of("runs");
    }
}
