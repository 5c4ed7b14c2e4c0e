package io.agentworkspace.projection;

import java.time.Instant;

import org.springframework.lang.Nullable;

/**
 * Where a rebuild stands.
 *
 * @param state       {@code building}, {@code switching}, {@code done}, {@code failed} (or {@code abandoned}: the node
 *                    died during it)
 * @param processed   events handled into the shadow tables
 * @param position    global index the rebuild has reached
 * @param head        global index of the newest event when last sampled
 * @param ratePerSecond events handled per second since the start
 * @param etaSeconds  estimated seconds to catch up, null while unknown
 */
public record RebuildProgress(String id, String projection, String state, long processed, long position, long head,
                              double ratePerSecond, @Nullable Long etaSeconds, Instant startedAt,
                              @Nullable Instant finishedAt, @Nullable String failure) {

    public boolean running() {
        return "building".equals(state) || "switching".equals(state);
    }

    /** Share of the history handled, 0..1. */
    public double fraction() {
        return head <= 0 ? 1 : Math.min(1, Math.max(0, position) / (double) head);
    }
}
