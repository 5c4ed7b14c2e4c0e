package io.agentworkspace.console;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads the console log without blocking (R2DBC). */
@Component
class ConsoleLogReader {

    private static final String COLUMNS = "id, channel, event, data, data_json, published_us";

    private final DatabaseClient db;

    ConsoleLogReader(DatabaseClient db) {
        this.db = db;
    }

    /** Events of the channels after the cursor, oldest first. */
    Mono<List<ConsoleEvent>> after(Collection<String> channels, long after, int limit) {
        return db.sql("SELECT " + COLUMNS + " FROM console_events WHERE channel IN (:channels) AND id > :after "
                        + "ORDER BY id LIMIT :limit")
                .bind("channels", List.copyOf(channels)).bind("after", after).bind("limit", limit)
                .map(ConsoleLogReader::event).all().collectList();
    }

    /** The newest events of a channel, oldest first. */
    Mono<List<ConsoleEvent>> tail(String channel, int limit) {
        return db.sql("SELECT " + COLUMNS + " FROM console_events WHERE channel = :channel ORDER BY id DESC LIMIT :limit")
                .bind("channel", channel).bind("limit", limit)
                .map(ConsoleLogReader::event).all().collectList()
                .map(newestFirst -> {
                    List<ConsoleEvent> oldestFirst = new java.util.ArrayList<>(newestFirst);
                    java.util.Collections.reverse(oldestFirst);
                    return oldestFirst;
                });
    }

    /** Every event with an id in {@code [from, to]}, whatever its channel: what a node fills a gap with. */
    Flux<ConsoleEvent> range(long from, long to) {
        return db.sql("SELECT " + COLUMNS + " FROM console_events WHERE id BETWEEN :from AND :to ORDER BY id")
                .bind("from", from).bind("to", to)
                .map(ConsoleLogReader::event).all();
    }

    /** The id of the newest committed event (0 for an empty log). */
    Mono<Long> head() {
        return db.sql("SELECT last_id FROM console_log WHERE name = 'head'")
                .map(row -> ((Number) row.get("last_id")).longValue()).one();
    }

    /** Per channel, the highest id retention removed (channels with nothing removed are left out). */
    Mono<Map<String, Long>> prunedThrough(Collection<String> channels) {
        return db.sql("SELECT channel, pruned_through FROM console_channels WHERE channel IN (:channels) "
                        + "AND pruned_through > 0")
                .bind("channels", List.copyOf(channels))
                .map(row -> Map.entry(row.get("channel", String.class), ((Number) row.get("pruned_through")).longValue()))
                .all()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static ConsoleEvent event(Readable row) {
        Object json = row.get("data_json");
        boolean dataIsJson = json instanceof Boolean flag ? flag : ((Number) json).intValue() != 0;
        return new ConsoleEvent(((Number) row.get("id")).longValue(), row.get("channel", String.class),
                row.get("event", String.class), row.get("data", String.class), dataIsJson,
                ((Number) row.get("published_us")).longValue(), null);
    }
}
