package io.agentworkspace.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import org.springframework.lang.Nullable;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * What an auditor asks of the history: events after a position (exclusive), optionally of one aggregate, of one
 * type (class name, or its simple name), in a time window ({@code from} inclusive, {@code to} exclusive).
 */
public record EventQuery(long after, @Nullable String aggregate, @Nullable String type, @Nullable Instant from,
                         @Nullable Instant to, int limit) {

    public static final int MAX_LIMIT = 1000;
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.$]{1,255}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    /** Parses the query parameters as given; every malformed one is refused naming its field. */
    public static EventQuery parse(@Nullable String after, @Nullable String aggregate, @Nullable String type,
                                   @Nullable String from, @Nullable String to, @Nullable String limit) {
        long position = position("after", after);
        int size = limit == null ? 100 : (int) Math.min(Integer.MAX_VALUE, number("limit", limit));
        if (size < 1 || size > MAX_LIMIT) {
            throw RejectedCommand.invalid("invalid-limit", "limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        if (aggregate != null && (aggregate.isEmpty() || aggregate.length() > 255 || CONTROL.matcher(aggregate).find())) {
            throw RejectedCommand.invalid("invalid-event-filter", "aggregate",
                    "aggregate must be an aggregate id of 1 to 255 characters without control characters");
        }
        if (type != null && !TYPE.matcher(type).matches()) {
            throw RejectedCommand.invalid("invalid-event-filter", "type",
                    "type must be an event type name such as ProjectRegistered or io.agentworkspace.project.ProjectRegistered");
        }
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        if (start != null && end != null && !start.isBefore(end)) {
            throw RejectedCommand.invalid("invalid-time-range", "to", "to must be later than from");
        }
        return new EventQuery(position, aggregate, type, start, end, size);
    }

    /** A position parameter: a non-negative integer; null means 0 (the beginning). */
    public static long position(String field, @Nullable String value) {
        if (value == null) {
            return 0;
        }
        long position = number(field, value);
        if (position < 0) {
            throw RejectedCommand.invalid("invalid-position", field, field + " must be a non-negative integer position");
        }
        return position;
    }

    private static long number(String field, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw RejectedCommand.invalid("limit".equals(field) ? "invalid-limit" : "invalid-position", field,
                    field + " must be a non-negative integer");
        }
    }

    @Nullable
    private static Instant instant(String field, @Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw RejectedCommand.invalid("invalid-time-range", field,
                    field + " must be an ISO-8601 instant such as 2026-11-27T09:15:02Z");
        }
    }

    public EventQuery after(long position) {
        return new EventQuery(position, aggregate, type, from, to, limit);
    }

    boolean filtered() {
        return aggregate != null || type != null || from != null || to != null;
    }
}
