package io.agentworkspace.run;

/**
 * What a run may spend: wall-clock time, tokens (input and output, all turns together) and money (from the price
 * table). Crossing the time limit ends the run {@code timed_out}; crossing a budget ends it {@code failed}.
 */
public record RunLimits(long timeoutSeconds, long maxTokens, double maxCostUsd) {
}
