package io.agentworkspace.run;

import java.util.List;

/**
 * How a run ended: why, what it used, what it cost and which files it changed ({@code filesChanged} lists at most
 * {@value #MAX_LISTED} workspace-relative paths; {@code filesChangedCount} counts them all).
 */
public record RunSummary(String reason, long inputTokens, long outputTokens, double costUsd, int turns, int toolCalls,
                         List<String> filesChanged, int filesChangedCount, long durationMs) {

    public static final int MAX_LISTED = 100;

    public RunSummary {
        filesChanged = List.copyOf(filesChanged.size() > MAX_LISTED ? filesChanged.subList(0, MAX_LISTED) : filesChanged);
    }

    public static RunSummary of(String reason) {
        return new RunSummary(reason, 0, 0, 0, 0, 0, List.of(), 0, 0);
    }
}
