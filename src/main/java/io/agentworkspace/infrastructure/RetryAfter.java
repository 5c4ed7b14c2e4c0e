package io.agentworkspace.infrastructure;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.springframework.http.HttpHeaders;
import org.springframework.lang.Nullable;

/**
 * How long to wait before retrying a call to an external HTTP API (the agent providers, the embeddings API): what
 * the server asks in {@code retry-after-ms} or {@code Retry-After} (seconds or a date), and the backoff that
 * honours it.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** What the server asks, or null when it does not say (or says something unreadable). */
    @Nullable
    public static Duration parse(HttpHeaders headers) {
        String millis = headers.getFirst("retry-after-ms");
        if (millis != null) {
            try {
                return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.strip())));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(value.strip()) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }

    /**
     * Exponential from {@code initial} (doubling per attempt, the first retry being attempt 1), never shorter than
     * what the server asked, never past {@code max}.
     */
    public static Duration backoff(int attempt, Duration initial, Duration max, @Nullable Duration asked) {
        long wait = Math.min(initial.toMillis() << Math.min(20, Math.max(0, attempt - 1)), max.toMillis());
        if (asked != null) {
            wait = Math.max(wait, Math.min(asked.toMillis(), max.toMillis()));
        }
        return Duration.ofMillis(Math.max(1, wait));
    }
}
