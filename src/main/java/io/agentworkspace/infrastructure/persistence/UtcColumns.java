package io.agentworkspace.infrastructure.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import org.springframework.lang.Nullable;

/**
 * The one conversion between instants and the schema's time columns, which hold UTC without a zone
 * ({@code DATETIME(6)}/{@code TIMESTAMP}): R2DBC reads them as {@link LocalDateTime}, JDBC as {@link Timestamp}
 * (whose local-time fields are the column's). Nulls stay null.
 */
public final class UtcColumns {

    private UtcColumns() {
    }

    /** A column read through R2DBC as the instant it records. */
    @Nullable
    public static Instant instant(@Nullable LocalDateTime utc) {
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
    }

    /** A column read through JDBC as the instant it records. */
    @Nullable
    public static Instant instant(@Nullable Timestamp utc) {
        return utc == null ? null : instant(utc.toLocalDateTime());
    }

    /** An instant as an R2DBC column value. */
    @Nullable
    public static LocalDateTime column(@Nullable Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** An instant as a JDBC column value. */
    @Nullable
    public static Timestamp timestamp(@Nullable Instant instant) {
        return instant == null ? null : Timestamp.valueOf(column(instant));
    }
}
