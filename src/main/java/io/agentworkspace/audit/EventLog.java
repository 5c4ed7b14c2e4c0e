package io.agentworkspace.audit;

import java.util.ArrayList;
import java.util.List;

import org.axonframework.common.DateTimeUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.BlockingWork;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads the history in global-index order, in pages and as a live stream. A page never runs past a hole in the
 * global index that may still fill (an append committed out of index order on MariaDB/MySQL): it stops before it
 * until the hole fills or is older than the gap timeout. That is what lets a reader continue from the last position
 * it saw and get every later event once, in order.
 *
 * Reads go through JDBC on the blocking pool: payloads are BLOBs, and JDBC hands over their exact stored bytes on
 * every supported database; the CLI and the chain use the same reads.
 */
@Component
public class EventLog {

    /**
     * @param next the position to continue after; equal to the query's {@code after} when nothing new is settled
     */
    public record Page(List<AuditedEvent> items, long after, long next, int limit) {
        public boolean progressed() {
            return next > after;
        }
    }

    private static final int WINDOW = 1000;
    private static final long SCAN_BUDGET = 100_000;

    private final JdbcTemplate jdbc;
    private final BlockingWork blocking;
    private final HistorySettings settings;
    private final EventChain.GapRule gaps;

    EventLog(JdbcTemplate jdbc, BlockingWork blocking, HistorySettings settings, EventChain chain) {
        this.jdbc = jdbc;
        this.blocking = blocking;
        this.settings = settings;
        this.gaps = chain.gapRule();
    }

    /**
     * Blocking. A filtered page scans on through the history until it is full, the settled end is reached, or
     * {@link #SCAN_BUDGET} positions were examined; {@code next} then says where to continue.
     */
    public Page page(EventQuery query) {
        List<AuditedEvent> items = new ArrayList<>();
        long cursor = query.after();
        long scanned = 0;
        while (true) {
            Scan scan = settledUpTo(cursor, Math.max(query.limit(), WINDOW));
            if (scan.settled() <= cursor) {
                return new Page(items, query.after(), cursor, query.limit());
            }
            items.addAll(read(query, cursor, scan.settled(), query.limit() - items.size()));
            if (items.size() == query.limit()) {
                return new Page(items, query.after(), items.get(items.size() - 1).position(), query.limit());
            }
            scanned += scan.settled() - cursor;
            cursor = scan.settled();
            if (!scan.more() || scanned >= SCAN_BUDGET) {
                return new Page(items, query.after(), cursor, query.limit());
            }
        }
    }

    private List<AuditedEvent> read(EventQuery query, long after, long settled, int limit) {
        StringBuilder sql = new StringBuilder("SELECT ").append(StoredEvent.COLUMNS).append(", c.hash AS chain_hash"
                + " FROM DomainEventEntry e LEFT JOIN event_chain c ON c.global_index = e.globalIndex"
                + " WHERE e.globalIndex > ? AND e.globalIndex <= ?");
        List<Object> args = new ArrayList<>(List.of(after, settled));
        if (query.aggregate() != null) {
            sql.append(" AND e.aggregateIdentifier = ?");
            args.add(query.aggregate());
        }
        if (query.type() != null) {
            if (query.type().contains(".")) {
                sql.append(" AND e.payloadType = ?");
                args.add(query.type());
            } else {
                sql.append(" AND e.payloadType LIKE ? ESCAPE '!'");
                args.add("%." + query.type().replace("!", "!!").replace("_", "!_").replace("%", "!%"));
            }
        }
        if (query.from() != null) {
            // Axon writes timestamps with exactly three fraction digits, so the strings sort as the instants do
            sql.append(" AND e.timeStamp >= ?");
            args.add(DateTimeUtils.formatInstant(query.from()));
        }
        if (query.to() != null) {
            sql.append(" AND e.timeStamp < ?");
            args.add(DateTimeUtils.formatInstant(query.to()));
        }
        sql.append(" ORDER BY e.globalIndex LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(),
                (row, i) -> AuditedEvent.of(StoredEvent.read(row), row.getString("chain_hash")), args.toArray());
    }

    public Mono<Page> pageAsync(EventQuery query) {
        return blocking.call(() -> page(query));
    }

    /**
     * Every matching event after the query's position, in order, then (with {@code follow}) each new one as it is
     * settled, without gap or duplicate. Ends when the subscriber cancels.
     */
    public Flux<AuditedEvent> stream(EventQuery query, boolean follow) {
        return pages(query, follow).concatMapIterable(page -> page);
    }

    /** As {@link #stream}, a page of up to 1000 events at a time (never an empty one): for writers that batch. */
    public Flux<List<AuditedEvent>> pages(EventQuery requested, boolean follow) {
        EventQuery query = new EventQuery(requested.after(), requested.aggregate(), requested.type(), requested.from(),
                requested.to(), EventQuery.MAX_LIMIT);
        return pageAsync(query)
                .expand(page -> {
                    if (page.progressed()) {
                        return pageAsync(query.after(page.next()));
                    }
                    return follow ? pageAsync(query.after(page.next())).delaySubscription(settings.pollInterval())
                            : Mono.empty();
                })
                .map(Page::items)
                .filter(items -> !items.isEmpty());
    }

    /**
     * @param settled the highest position up to which every earlier index is present or a hole old enough to pass
     * @param more    whether rows beyond the scanned window may follow
     */
    private record Scan(long settled, boolean more) {
    }

    private Scan settledUpTo(long after, int window) {
        List<Long> indexes = new ArrayList<>();
        List<String> timestamps = new ArrayList<>();
        jdbc.query("SELECT globalIndex, timeStamp FROM DomainEventEntry WHERE globalIndex > ? ORDER BY globalIndex LIMIT ?",
                row -> {
                    indexes.add(row.getLong(1));
                    timestamps.add(row.getString(2));
                }, after, window);
        long settled = after;
        for (int i = 0; i < indexes.size(); i++) {
            if (indexes.get(i) > settled + 1 && !gaps.settled(timestamps.get(i))) {
                return new Scan(settled, false);
            }
            settled = indexes.get(i);
        }
        return new Scan(settled, indexes.size() == window);
    }
}
