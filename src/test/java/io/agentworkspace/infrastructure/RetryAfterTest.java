package io.agentworkspace.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class RetryAfterTest {

    private static HttpHeaders headers(String name, String value) {
        HttpHeaders headers = new HttpHeaders();
        headers.add(name, value);
        return headers;
    }

    @Test
    void readsMillisecondsSecondsAndDatesAndIgnoresWhatItCannotRead() {
        assertThat(RetryAfter.parse(headers("retry-after-ms", "1500"))).isEqualTo(Duration.ofMillis(1500));
        assertThat(RetryAfter.parse(headers("Retry-After", "2"))).isEqualTo(Duration.ofSeconds(2));
        String inTenSeconds = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(RetryAfter.parse(headers("Retry-After", inTenSeconds))).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        String past = ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(10).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(RetryAfter.parse(headers("Retry-After", past))).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse(headers("Retry-After", "soon"))).isNull();
        assertThat(RetryAfter.parse(new HttpHeaders())).isNull();
    }

    @Test
    void backoffDoublesHonoursWhatTheServerAskedAndStopsAtTheMaximum() {
        Duration initial = Duration.ofMillis(100);
        Duration max = Duration.ofSeconds(2);
        assertThat(RetryAfter.backoff(1, initial, max, null)).isEqualTo(Duration.ofMillis(100));
        assertThat(RetryAfter.backoff(3, initial, max, null)).isEqualTo(Duration.ofMillis(400));
        assertThat(RetryAfter.backoff(10, initial, max, null)).isEqualTo(max);
        assertThat(RetryAfter.backoff(1, initial, max, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RetryAfter.backoff(4, initial, max, Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(800));
        assertThat(RetryAfter.backoff(1, initial, max, Duration.ofMinutes(5))).isEqualTo(max);
    }
}
