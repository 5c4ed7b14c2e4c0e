package io.agentworkspace.run;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.projection.ProcessorProgress;
import io.agentworkspace.workspace.WorkspaceLocks;

/**
 * Ends what a crash left behind. At start-up, once the {@code runs} read model has caught up with the history,
 * every run this node had starting or running is interrupted (an event; requeued or ended by its policy) and the
 * workspace lease of that attempt is freed. Runs of other nodes whose lease is gone are interrupted by the
 * periodic orphan check: a live runner renews its lease, so a run whose lease no longer holds its workspace has
 * no runner.
 */
@Component
class RunRecovery {

    private static final Logger log = LoggerFactory.getLogger(RunRecovery.class);

    private final JdbcTemplate jdbc;
    private final Commands commands;
    private final WorkspaceLocks locks;
    private final ProcessorProgress progress;
    private final RunSettings settings;
    private final RunNode node;
    private final Clock clock;

    RunRecovery(JdbcTemplate jdbc, Commands commands, WorkspaceLocks locks, ProcessorProgress progress,
                RunSettings settings, RunNode node, Clock clock) {
        this.jdbc = jdbc;
        this.commands = commands;
        this.locks = locks;
        this.progress = progress;
        this.settings = settings;
        this.node = node;
        this.clock = clock;
    }

    private record Orphan(String runId, String projectId, String queue, int attempt, long fencingToken, String node) {
    }

    void recover() {
        awaitReadModel();
        List<Orphan> mine = orphans("node = ?", node.id());
        for (Orphan orphan : mine) {
            interrupt(orphan, "the node restarted while the run was " + "running");
        }
        if (!mine.isEmpty()) {
            log.info("recovery: {} run(s) of this node ({}) were left running and are interrupted", mine.size(), node.id());
        }
    }

    void interruptOrphansOfOtherNodes(Set<String> local) {
        for (Orphan orphan : orphans("node <> ?", node.id())) {
            if (local.contains(orphan.runId())) {
                continue;
            }
            Long holder = locks.currentToken(orphan.projectId()).block(Duration.ofSeconds(5));
            if (holder == null || holder != orphan.fencingToken()) {
                interrupt(orphan, "node " + orphan.node() + " stopped renewing the run's workspace lease");
            }
        }
    }

    private void interrupt(Orphan orphan, String reason) {
        try {
            boolean recorded = commands.<Boolean>sendAndWait(new InterruptRun(orphan.runId(), orphan.attempt(), reason,
                    settings.queue(orphan.queue()).maxAttempts(), clock.instant()));
            Boolean freed = locks.releaseAbandoned(orphan.projectId(), orphan.fencingToken()).block(Duration.ofSeconds(5));
            log.info("run {} attempt {} interrupted ({}): recorded {}, lease {} freed {}", orphan.runId(),
                    orphan.attempt(), reason, recorded, orphan.fencingToken(), freed);
        } catch (RuntimeException e) {
            log.warn("run {} could not be interrupted: {}", orphan.runId(), e.getMessage());
        }
    }

    private List<Orphan> orphans(String condition, String nodeId) {
        return jdbc.query("SELECT id, project_id, queue, attempt, fencing_token, node FROM runs "
                        + "WHERE state IN ('starting', 'running') AND " + condition,
                (rs, n) -> new Orphan(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5),
                        rs.getString(6)), nodeId);
    }

    /** Waits until the runs processor has handled every event stored before this node started (bounded). */
    private void awaitReadModel() {
        long deadline = System.nanoTime() + settings.recoveryWait().toNanos();
        long head = -2;
        while (System.nanoTime() < deadline) {
            var sampled = progress.sample();
            ProcessorProgress.Progress runs = sampled.get(RunProjection.PROCESSOR);
            if (head == -2 && runs != null) {
                head = runs.head();
            }
            if (runs != null && (head < 0 || runs.position() >= head)) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.warn("recovery: the runs read model did not catch up within {}; recovering from what it shows",
                settings.recoveryWait());
    }
}
