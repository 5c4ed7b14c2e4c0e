package io.agentworkspace.console;

import java.time.Instant;

/** Microseconds since the epoch, the resolution of {@code published_us}. */
final class ConsoleClock {

    private ConsoleClock() {
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }
}
