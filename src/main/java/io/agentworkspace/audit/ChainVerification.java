package io.agentworkspace.audit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.UtcColumns;

/**
 * Walks the chain from its first link, recomputes every link from the stored row, and reports the first broken
 * one: an event altered, deleted or replaced, a chain entry removed, a checkpoint that does not match, a chain cut
 * short at its end, or an event in the store that was slipped in behind the chain's back.
 */
@Component
public class ChainVerification {

    /** A checkpoint an auditor kept: the chain's hash after {@code chainSeq} links. */
    public record Checkpoint(long chainSeq, String hash) {

        /** {@code <chain position>:<hash>}, as the checkpoints endpoint and the CLI print them. */
        public static Checkpoint parse(String text) {
            int colon = text.indexOf(':');
            if (colon < 1 || !text.substring(colon + 1).matches("[0-9a-fA-F]{64}")) {
                throw io.agentworkspace.infrastructure.RejectedCommand.invalid("invalid-checkpoint", "checkpoint",
                        "a checkpoint is <chain position>:<64 hex digits of its hash>");
            }
            return new Checkpoint(EventQuery.position("checkpoint", text.substring(0, colon)),
                    text.substring(colon + 1).toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** The first broken link: which event (global index and event id, when known) and what is wrong. */
    public record Break(String problem, long chainSeq, @Nullable Long position, @Nullable String eventId,
                        String detail) {
    }

    /**
     * @param verified links checked before the first break (all of them when intact)
     * @param pending  events stored but not chained yet (appended within the last moments)
     */
    public record Report(boolean intact, long verified, EventChain.Head head, long pending, @Nullable Break firstBreak) {
    }

    private static final int PAGE = 2000;

    private final JdbcTemplate jdbc;
    private final EventChain chain;

    ChainVerification(JdbcTemplate jdbc, EventChain chain) {
        this.jdbc = jdbc;
        this.chain = chain;
    }

    /** Blocking; {@code progress} receives the number of links verified so far. */
    public Report verify(List<Checkpoint> kept, LongConsumer progress) {
        EventChain.Head head = chain.head();
        Map<Long, String> checkpoints = new HashMap<>();
        jdbc.query("SELECT chain_seq, hash FROM event_chain_checkpoints", row -> {
            checkpoints.put(row.getLong(1), row.getString(2));
        });
        Map<Long, String> external = new HashMap<>();
        kept.forEach(checkpoint -> external.put(checkpoint.chainSeq(), checkpoint.hash().toLowerCase(java.util.Locale.ROOT)));

        String previous = ChainHash.GENESIS;
        long expected = 1;
        long pending = pending(head);
        while (true) {
            List<Link> links = jdbc.query("SELECT c.chain_seq, c.global_index, c.event_id, c.hash, " + StoredEvent.COLUMNS
                            + " FROM event_chain c LEFT JOIN DomainEventEntry e ON e.globalIndex = c.global_index"
                            + " WHERE c.chain_seq >= ? ORDER BY c.chain_seq LIMIT ?",
                    (row, i) -> new Link(row.getLong("chain_seq"), row.getLong("global_index"), row.getString("event_id"),
                            row.getString("hash"), row.getObject("eventIdentifier") == null ? null : StoredEvent.read(row)),
                    expected, PAGE);
            for (Link link : links) {
                Break broken = check(link, expected, previous);
                String recomputed = broken == null ? ChainHash.link(previous, link.event()) : null;
                if (broken == null && checkpoints.containsKey(link.seq()) && !checkpoints.get(link.seq()).equals(recomputed)) {
                    broken = new Break("checkpoint-mismatch", link.seq(), link.position(), link.eventId(),
                            "the stored checkpoint after this event does not match the recomputed chain");
                }
                if (broken == null && external.containsKey(link.seq()) && !external.get(link.seq()).equals(recomputed)) {
                    broken = new Break("checkpoint-mismatch", link.seq(), link.position(), link.eventId(),
                            "the checkpoint you kept for chain position " + link.seq() + " does not match the chain");
                }
                if (broken != null) {
                    return new Report(false, expected - 1, head, pending, broken);
                }
                previous = recomputed;
                expected++;
            }
            progress.accept(expected - 1);
            if (links.size() < PAGE) {
                break;
            }
        }
        long length = expected - 1;
        Break end = checkEnd(head, length, previous, checkpoints, external);
        if (end == null) {
            end = unchained(head);
        }
        return new Report(end == null, length, head, pending, end);
    }

    private record Link(long seq, long position, String eventId, String hash, @Nullable StoredEvent event) {
    }

    @Nullable
    private static Break check(Link link, long expected, String previous) {
        if (link.seq() != expected) {
            return new Break("chain-entry-missing", expected, null, null, "chain entries " + expected + " to "
                    + (link.seq() - 1) + " were removed; the next remaining one links event " + link.eventId()
                    + " at position " + link.position());
        }
        if (link.event() == null) {
            return new Break("event-missing", link.seq(), link.position(), link.eventId(),
                    "the event at position " + link.position() + " was deleted from the store");
        }
        if (!link.event().eventId().equals(link.eventId())) {
            return new Break("event-replaced", link.seq(), link.position(), link.eventId(),
                    "position " + link.position() + " now holds event " + link.event().eventId() + " instead");
        }
        if (!ChainHash.link(previous, link.event()).equals(link.hash())) {
            return new Break("event-altered", link.seq(), link.position(), link.eventId(),
                    "the stored bytes of the event at position " + link.position() + " (or its chain entry) were changed");
        }
        return null;
    }

    @Nullable
    private static Break checkEnd(EventChain.Head head, long length, String last, Map<Long, String> checkpoints,
                                  Map<Long, String> external) {
        if (head.chainSeq() != length || !head.hash().equals(length == 0 ? ChainHash.GENESIS : last)) {
            return new Break("chain-truncated", length + 1, null, null, "the chain head records " + head.chainSeq()
                    + " links but " + length + " remain: the newest events were removed together with their links");
        }
        long beyond = java.util.stream.Stream.concat(checkpoints.keySet().stream(), external.keySet().stream())
                .mapToLong(Long::longValue).max().orElse(0);
        if (beyond > length) {
            return new Break("chain-truncated", length + 1, null, null, "a checkpoint exists for chain position "
                    + beyond + " but the chain ends at " + length + ": events at its end were removed");
        }
        return null;
    }

    @Nullable
    private Break unchained(EventChain.Head head) {
        List<Break> found = jdbc.query("SELECT e.globalIndex, e.eventIdentifier FROM DomainEventEntry e"
                        + " WHERE e.globalIndex <= ?"
                        + " AND NOT EXISTS (SELECT 1 FROM event_chain c WHERE c.global_index = e.globalIndex)"
                        + " AND NOT EXISTS (SELECT 1 FROM event_chain_gaps g WHERE g.global_index = e.globalIndex)"
                        + " ORDER BY e.globalIndex LIMIT 1",
                (row, i) -> new Break("event-unchained", 0, row.getLong(1), row.getString(2),
                        "the event at position " + row.getLong(1) + " is in the store but not in the chain: "
                                + "it was inserted behind the chain's back"),
                head.scannedTo());
        return found.isEmpty() ? null : found.get(0);
    }

    private long pending(EventChain.Head head) {
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry WHERE globalIndex > ?", Long.class,
                head.scannedTo());
        return count == null ? 0 : count;
    }

    /** The checkpoints the system wrote, for auditors to copy out. */
    public List<StoredCheckpoint> checkpoints(long afterSeq, int limit) {
        return jdbc.query("SELECT chain_seq, global_index, hash, created_at FROM event_chain_checkpoints"
                        + " WHERE chain_seq > ? ORDER BY chain_seq LIMIT ?",
                (row, i) -> new StoredCheckpoint(row.getLong(1), row.getLong(2), row.getString(3),
                        UtcColumns.instant(row.getTimestamp(4))),
                afterSeq, limit);
    }

    public record StoredCheckpoint(long chainSeq, long position, String hash, java.time.Instant createdAt) {
    }
}
