package io.agentworkspace.run;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.lang.Nullable;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.LifecyclePhases;
import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.infrastructure.observability.Traces;
import io.agentworkspace.infrastructure.persistence.UtcColumns;
import io.agentworkspace.workspace.WorkspaceBusy;
import io.agentworkspace.workspace.WorkspaceLease;
import io.agentworkspace.workspace.WorkspaceLocks;

/**
 * Takes pending runs from the history and runs them: a queued run without a terminal event is pending (the
 * {@code runs} read model says {@code queued}), so nothing is lost across restarts. Per queue, at most its
 * concurrency runs at once on this node ({@link QueueSlots}, shared with RAG index jobs on {@code rag-index}), each on
 * the queue's own threads. A run starts only holding its
 * workspace's lock (taken without waiting: a run of a busy project stays queued, and the next project's run goes
 * first); the claim is the BeginRun command, which only one node can win. Woken by the read model after each
 * queued run, by runs that end, and every {@code poll-interval} for other nodes' changes.
 */
@Component
class RunDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunDispatcher.class);

    private final JdbcTemplate jdbc;
    private final Commands commands;
    private final WorkspaceLocks locks;
    private final RunWorker worker;
    private final RunRecovery recovery;
    private final RunSettings settings;
    private final RunNode node;
    private final DispatchBell bell;
    private final Clock clock;
    private final Timer claims;
    private final RunMetrics metrics;
    private final EventStore eventStore;
    private final Traces traces;
    private final Map<String, ExecutorService> executors = new ConcurrentHashMap<>();
    private final QueueSlots slots;
    private final Map<String, RunExecution> active = new ConcurrentHashMap<>();
    private final Set<String> activeProjects = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService timers;
    private volatile Thread loop;
    private volatile boolean running;

    RunDispatcher(JdbcTemplate jdbc, Commands commands, WorkspaceLocks locks, RunWorker worker, RunRecovery recovery,
                  RunSettings settings, RunNode node, DispatchBell bell, QueueSlots slots, Clock clock,
                  MeterRegistry meters, RunMetrics metrics, EventStore eventStore, Traces traces) {
        this.eventStore = eventStore;
        this.traces = traces;
        this.jdbc = jdbc;
        this.commands = commands;
        this.locks = locks;
        this.worker = worker;
        this.recovery = recovery;
        this.settings = settings;
        this.node = node;
        this.bell = bell;
        this.clock = clock;
        this.claims = Timer.builder("agent.runs.dispatch").description("Claiming a pending run: lock, claim, hand-off")
                .register(meters);
        this.slots = slots;
        this.metrics = metrics;
    }

    /** Stops a run of this node at once; false when it does not run here. */
    boolean stopLocal(String runId, RunExecution.Stop reason) {
        RunExecution execution = active.get(runId);
        return execution != null && execution.stop(reason);
    }

    int activeCount(String queue) {
        return slots.busy(queue);
    }

    void ring() {
        bell.ring();
    }

    private void loop() {
        try {
            recovery.recover();
        } catch (RuntimeException e) {
            log.error("run recovery failed; runs of this node left running are interrupted later by other nodes", e);
        }
        long nextCancelPoll = 0;
        long nextOrphanCheck = System.nanoTime() + settings.orphanCheck().toNanos();
        while (running) {
            try {
                dispatch();
                long now = System.nanoTime();
                if (now >= nextCancelPoll) {
                    pollCancellations();
                    nextCancelPoll = now + settings.cancelPoll().toNanos();
                }
                if (now >= nextOrphanCheck) {
                    recovery.interruptOrphansOfOtherNodes(active.keySet());
                    nextOrphanCheck = now + settings.orphanCheck().toNanos();
                }
                bell.await(Math.min(settings.pollInterval().toMillis(), settings.cancelPoll().toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("run dispatch failed; trying again", e);
                sleepQuietly(settings.pollInterval());
            }
        }
    }

    private record Pending(String runId, String projectId, int attempt, java.time.Instant queuedAt) {
    }

    private void dispatch() {
        for (Map.Entry<String, RunSettings.Queue> queue : settings.queues().entrySet()) {
            int free = slots.free(queue.getKey());
            if (free <= 0 || !running) {
                continue;
            }
            List<Pending> pending = jdbc.query("""
                    SELECT id, project_id, attempt, queued_at FROM runs WHERE queue = ? AND state = 'queued'
                    ORDER BY queued_at, id LIMIT ?""",
                    (rs, n) -> new Pending(rs.getString(1), rs.getString(2), rs.getInt(3),
                            UtcColumns.instant(rs.getTimestamp(4))),
                    queue.getKey(), free * 4 + 8);
            for (Pending run : pending) {
                if (free == 0 || !running) {
                    break;
                }
                if (active.containsKey(run.runId()) || activeProjects.contains(run.projectId())) {
                    continue;
                }
                if (!slots.tryTake(queue.getKey())) {
                    break;
                }
                boolean claimed = false;
                try {
                    claimed = claim(queue.getKey(), run);
                } finally {
                    if (!claimed) {
                        slots.give(queue.getKey());
                    }
                }
                if (claimed) {
                    free--;
                }
            }
        }
    }

    private boolean claim(String queue, Pending run) {
        long began = System.nanoTime();
        WorkspaceLease lease;
        try {
            lease = locks.acquire(run.projectId(), Duration.ZERO).block(Duration.ofSeconds(10));
        } catch (WorkspaceBusy held) {
            return false;
        }
        if (lease == null) {
            return false;
        }
        Span span = traces.continuing(queuedIn(run.runId()), "run dispatch", Span.Kind.CONSUMER)
                .tag("agent.run", run.runId()).tag("agent.queue", queue);
        try (Tracer.SpanInScope scope = traces.scope(span);
             MDC.MDCCloseable logged = MDC.putCloseable("runId", run.runId())) {
            boolean claimed = claim(queue, run, lease, began);
            span.tag("agent.claimed", Boolean.toString(claimed));
            return claimed;
        } finally {
            span.end();
        }
    }

    /** The trace the run was queued in: its first event names it. */
    @Nullable
    private String queuedIn(String runId) {
        if (!traces.enabled()) {
            return null;
        }
        try {
            DomainEventStream events = eventStore.readEvents(runId);
            return events.hasNext() && events.next().getMetaData().get(Traces.TRACEPARENT) instanceof String parent
                    ? parent : null;
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private boolean claim(String queue, Pending run, WorkspaceLease lease, long began) {
        boolean claimed;
        try {
            claimed = commands.<Boolean>sendAndWait(new BeginRun(run.runId(), run.attempt(), node.id(),
                    lease.fencingToken(), clock.instant()));
        } catch (RuntimeException e) {
            log.warn("claim of run {} failed: {}", run.runId(), e.getMessage());
            claimed = false;
        }
        if (!claimed) {
            lease.release().block(Duration.ofSeconds(10));
            return false;
        }
        RunExecution execution = new RunExecution(run.runId(), run.projectId(), queue, run.attempt(), lease);
        active.put(run.runId(), execution);
        activeProjects.add(run.projectId());
        claims.record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
        metrics.claimed(queue, Duration.between(run.queuedAt(), clock.instant()));
        Span dispatch = traces.current();
        executors.get(queue).execute(() -> {
            try (Tracer.SpanInScope scope = traces.scope(dispatch)) {
                runToEnd(execution);
            }
        });
        return true;
    }

    private void runToEnd(RunExecution execution) {
        try {
            worker.execute(execution, timers);
        } catch (RuntimeException e) {
            log.error("run {} ended abnormally", execution.runId, e);
        } finally {
            try {
                execution.lease.release().block(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                log.warn("lease of run {} not released (it expires): {}", execution.runId, e.getMessage());
            }
            active.remove(execution.runId);
            activeProjects.remove(execution.projectId);
            slots.give(execution.queue);
            bell.ring();
        }
    }

    /** Cancellations asked on another node reach this one through the read model. */
    private void pollCancellations() {
        if (active.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>(active.keySet());
        String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
        jdbc.queryForList("SELECT id FROM runs WHERE cancel_requested_at IS NOT NULL AND id IN (" + marks + ")",
                String.class, ids.toArray()).forEach(id -> stopLocal(id, RunExecution.Stop.CANCELLED));
    }

    private void drain() {
        if (active.isEmpty()) {
            return;
        }
        RunSettings.Drain drain = settings.drain();
        long started = System.nanoTime();
        long graceEnds = started + drain.grace().toNanos();
        long waitEnds = started + Math.max(drain.grace().toNanos(), drain.maxWait().toNanos());
        log.info("draining: {} run(s) running get {} s to end", active.size(), drain.grace().toSeconds());
        boolean announced = false;
        while (!active.isEmpty() && System.nanoTime() < waitEnds) {
            if (System.nanoTime() >= graceEnds) {
                for (RunExecution execution : active.values()) {
                    if (Run.REQUEUE.equals(execution.onInterrupt()) && execution.stop(RunExecution.Stop.HANDED_OVER)) {
                        log.info("draining: run {} is handed back to its queue", execution.runId);
                    }
                }
                long keptRunning = active.values().stream()
                        .filter(execution -> !Run.REQUEUE.equals(execution.onInterrupt())).count();
                if (!announced && keptRunning > 0) {
                    announced = true;
                    log.info("draining: waiting for {} run(s) that may not run twice (policy fail), up to {}",
                            keptRunning, drain.maxWait());
                }
            }
            try {
                pollCancellations();
            } catch (RuntimeException e) {
                log.debug("cancellations not polled while draining", e);
            }
            sleepQuietly(Duration.ofMillis(200));
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        if (active.isEmpty()) {
            log.info("drained in {} ms", (System.nanoTime() - started) / 1_000_000);
        } else {
            log.warn("draining: {} run(s) still running after {}; they are interrupted", active.size(), drain.maxWait());
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        if (!settings.dispatchEnabled()) {
            log.info("run dispatch is off in this process (agent.runs.dispatch-enabled=false)");
            return;
        }
        timers = Executors.newScheduledThreadPool(1, new CustomizableThreadFactory("run-timers-"));
        settings.queues().forEach((name, queue) -> executors.put(name,
                Executors.newFixedThreadPool(queue.concurrency(), new CustomizableThreadFactory("run-" + name + "-"))));
        running = true;
        Thread thread = new Thread(this::loop, "run-dispatch");
        thread.setDaemon(true);
        loop = thread;
        thread.start();
    }

    /**
     * Drains: takes no more runs, gives the running ones the drain's grace to end, hands those that may run again
     * back to their queue, waits for the others to end (bounded by the drain's max-wait), and only then lets the
     * node go on shutting down (agent.runs.drain, docs/runs.md).
     */
    @Override
    public void stop() {
        running = false;
        if (loop != null) {
            loop.interrupt();
        }
        drain();
        active.values().forEach(execution -> execution.stop(RunExecution.Stop.SHUTDOWN));
        executors.values().forEach(ExecutorService::shutdown);
        for (ExecutorService executor : executors.values()) {
            try {
                if (!executor.awaitTermination(15, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (timers != null) {
            timers.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return LifecyclePhases.RUN_DISPATCH;
    }
}
