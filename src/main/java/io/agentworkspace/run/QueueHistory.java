package io.agentworkspace.run;

import java.time.Instant;
import java.util.List;

import org.springframework.lang.Nullable;

/**
 * The queues over a recent window, minute by minute, for the Control Center's chart: per bucket (its start) and
 * queue, runs that ended, of which failed (failed, timed out, interrupted), and the wait from queued to starting
 * (p50, p95, in ms; null without a start in the bucket) of the runs that started in it. {@code queue} "all" sums
 * every queue.
 */
public record QueueHistory(Instant from, Instant to, long bucketSeconds, List<Series> series) {

    public static final String ALL = "all";

    public record Series(String queue, List<Point> points) {
    }

    public record Point(Instant at, long ended, long failed, long started, @Nullable Long waitP50Ms,
                        @Nullable Long waitP95Ms) {
    }
}
