package io.agentworkspace.run;

/**
 * One queue as the queue view shows it: runs waiting and running (cluster-wide, from the read model), wait from
 * queued to starting over the runs that started in the last hour (p50, p95, in ms; null without any), runs ended
 * per minute over the last five minutes, and failures (failed, timed out, interrupted) in the last hour.
 */
public record QueueFigures(String name, int concurrency, long defaultTimeoutSeconds, long pending, long running,
                           Long waitP50Ms, Long waitP95Ms, double throughputPerMinute, long failuresLastHour) {
}
