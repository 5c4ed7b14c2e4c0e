package io.agentworkspace.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.agentworkspace.infrastructure.LifecyclePhases;
import io.agentworkspace.infrastructure.persistence.UtcColumns;

/**
 * Chains every stored event to the one before it, after the append, in global-index order (docs/history.md says
 * why not at append time). Each round locks the chain head row, so chainers on several nodes take turns. A hole in
 * the global index is waited for until {@code gapTimeout}; then it is recorded as a gap and passed, and a row that
 * fills it later is chained at the end of the chain. A checkpoint is written every {@code checkpointEvery} links.
 * Metrics: {@code agent.chain.position} (the global index the chain has passed, as this node last saw it; the
 * chain's lag is the store head less it) and {@code agent.chain.linked} (events this node linked).
 */
@Component
public class EventChain implements SmartLifecycle {

    /** The end of the chain: its length, last hash, and the global index the scan has passed. */
    public record Head(long chainSeq, String hash, long scannedTo) {
    }

    private static final Logger log = LoggerFactory.getLogger(EventChain.class);
    private static final int MAX_GAP_ROWS = 100_000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final HistorySettings settings;
    private final GapRule gaps;
    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicLong position = new java.util.concurrent.atomic.AtomicLong(-1);
    private final Counter linkedEvents;
    private ScheduledExecutorService chainer;

    EventChain(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, HistorySettings settings, Clock clock,
               MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.settings = settings;
        this.gaps = new GapRule(settings.gapTimeout(), clock);
        this.clock = clock;
        Gauge.builder("agent.chain.position", position, java.util.concurrent.atomic.AtomicLong::get)
                .description("Global index up to which the tamper-evident chain has linked the history").register(meters);
        this.linkedEvents = Counter.builder("agent.chain.linked").description("Events this node linked into the chain")
                .register(meters);
    }

    public Head head() {
        return jdbc.queryForObject("SELECT chain_seq, hash, scanned_to FROM event_chain_head WHERE id = 1",
                (row, i) -> new Head(row.getLong(1), row.getString(2), row.getLong(3)));
    }

    /** Chains everything that can be chained now (blocking); returns how many events it linked. */
    public long catchUp() {
        long total = 0;
        int linked;
        do {
            linked = chainOnce();
            total += linked;
        } while (linked >= settings.chainBatch());
        return total;
    }

    /** One round in one transaction: late rows that filled a gap, then the next batch after the scan position. */
    int chainOnce() {
        Integer linked = transactions.execute(status -> {
            Head head = jdbc.queryForObject(
                    "SELECT chain_seq, hash, scanned_to FROM event_chain_head WHERE id = 1 FOR UPDATE",
                    (row, i) -> new Head(row.getLong(1), row.getString(2), row.getLong(3)));
            position.set(head.scannedTo());
            List<StoredEvent> late = jdbc.query("SELECT " + StoredEvent.COLUMNS
                    + " FROM DomainEventEntry e JOIN event_chain_gaps g ON g.global_index = e.globalIndex"
                    + " ORDER BY e.globalIndex", (row, i) -> StoredEvent.read(row));
            List<StoredEvent> next = jdbc.query("SELECT " + StoredEvent.COLUMNS
                            + " FROM DomainEventEntry e WHERE e.globalIndex > ? ORDER BY e.globalIndex LIMIT ?",
                    (row, i) -> StoredEvent.read(row), head.scannedTo(), settings.chainBatch());

            List<StoredEvent> chain = new ArrayList<>(late);
            List<Long> newGaps = new ArrayList<>();
            long scannedTo = head.scannedTo();
            for (StoredEvent event : next) {
                if (event.position() > scannedTo + 1) {
                    if (!gaps.settled(event)) {
                        break;
                    }
                    for (long missing = scannedTo + 1; missing < event.position() && newGaps.size() < MAX_GAP_ROWS; missing++) {
                        newGaps.add(missing);
                    }
                }
                chain.add(event);
                scannedTo = event.position();
            }
            if (chain.isEmpty() && scannedTo == head.scannedTo()) {
                return 0;
            }
            append(head, chain, scannedTo, newGaps, late);
            position.set(scannedTo);
            return chain.size();
        });
        if (linked != null && linked > 0) {
            linkedEvents.increment(linked);
        }
        return linked == null ? 0 : linked;
    }

    private void append(Head head, List<StoredEvent> chain, long scannedTo, List<Long> newGaps, List<StoredEvent> late) {
        List<Object[]> links = new ArrayList<>(chain.size());
        List<Object[]> checkpoints = new ArrayList<>();
        Timestamp now = UtcColumns.timestamp(clock.instant());
        long seq = head.chainSeq();
        String hash = head.hash();
        for (StoredEvent event : chain) {
            seq++;
            hash = ChainHash.link(hash, event);
            links.add(new Object[] {seq, event.position(), event.eventId(), hash});
            if (seq % settings.checkpointEvery() == 0) {
                checkpoints.add(new Object[] {seq, event.position(), hash, now});
            }
        }
        jdbc.batchUpdate("INSERT INTO event_chain (chain_seq, global_index, event_id, hash) VALUES (?, ?, ?, ?)", links);
        jdbc.batchUpdate("INSERT INTO event_chain_checkpoints (chain_seq, global_index, hash, created_at) VALUES (?, ?, ?, ?)",
                checkpoints);
        jdbc.batchUpdate("INSERT INTO event_chain_gaps (global_index, seen_at) VALUES (?, ?)",
                newGaps.stream().map(index -> new Object[] {index, now}).toList());
        jdbc.batchUpdate("DELETE FROM event_chain_gaps WHERE global_index = ?",
                late.stream().map(event -> new Object[] {event.position()}).toList());
        jdbc.update("UPDATE event_chain_head SET chain_seq = ?, hash = ?, scanned_to = ? WHERE id = 1", seq, hash, scannedTo);
        if (!late.isEmpty()) {
            log.info("{} event(s) committed after their gap was passed were chained at the end of the chain", late.size());
        }
    }

    /** When a hole in the global index may be passed: the row after it is older than the gap timeout. */
    record GapRule(java.time.Duration timeout, Clock clock) {
        boolean settled(StoredEvent after) {
            return settled(after.timestamp());
        }

        boolean settled(String timestampAfterGap) {
            return Instant.parse(timestampAfterGap).isBefore(clock.instant().minus(timeout));
        }
    }

    GapRule gapRule() {
        return gaps;
    }

    @Override
    public void start() {
        if (!settings.chainEnabled()) {
            return;
        }
        CustomizableThreadFactory threads = new CustomizableThreadFactory("event-chain-");
        threads.setDaemon(true);
        chainer = Executors.newSingleThreadScheduledExecutor(threads);
        chainer.scheduleWithFixedDelay(() -> {
            try {
                catchUp();
            } catch (RuntimeException e) {
                log.warn("chaining events failed; retrying: {}", e.toString());
            }
        }, 0, settings.chainInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (chainer != null) {
            chainer.shutdown();
            try {
                chainer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            chainer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return chainer != null;
    }

    @Override
    public int getPhase() {
        return LifecyclePhases.SAMPLERS;
    }
}
