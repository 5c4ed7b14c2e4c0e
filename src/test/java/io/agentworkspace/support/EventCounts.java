package io.agentworkspace.support;

import org.springframework.jdbc.core.JdbcTemplate;

/** How many events of a kind the store holds, read from the store's own table. */
public final class EventCounts {

    private EventCounts() {
    }

    /** Stored events whose payload is {@code type}. */
    public static long of(JdbcTemplate jdbc, Class<?> type) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry WHERE payloadType = ?", Long.class, type.getName());
    }

    /** Stored events whose payload type lies in {@code packageName} (e.g. {@code io.agentworkspace.run}). */
    public static long inPackage(JdbcTemplate jdbc, String packageName) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry WHERE payloadType LIKE ?", Long.class,
                packageName + ".%");
    }
}
