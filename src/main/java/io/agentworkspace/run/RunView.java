package io.agentworkspace.run;

import java.time.Instant;
import java.util.List;

import org.springframework.lang.Nullable;

/**
 * A run as the Control Center and the iPhone see it. {@code channel} is its console channel; {@code summary} is
 * null until it ends. {@code prompt} is absent from list items (they carry {@code promptPreview}).
 */
public record RunView(String id, String projectId, String queue, String provider, String model,
                      @Nullable String prompt, String promptPreview, String state, int attempt, String onInterrupt,
                      RunLimits limits, @Nullable String retryOf, String requestedBy, @Nullable String node,
                      @Nullable Long fencingToken, Instant queuedAt, Instant lastQueuedAt, @Nullable Instant startingAt,
                      @Nullable Instant startedAt, @Nullable Instant finishedAt, @Nullable Long waitMs,
                      @Nullable Instant cancelRequestedAt, @Nullable Summary summary, int interruptions, String channel,
                      Instant updatedAt, long version) {

    public record Summary(@Nullable String reason, long inputTokens, long outputTokens, double costUsd, int turns,
                          int toolCalls, List<String> filesChanged, int filesChangedCount, @Nullable Long durationMs) {
    }
}
