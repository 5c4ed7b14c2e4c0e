package io.agentworkspace.run.provider;

import java.time.Duration;

import org.springframework.lang.Nullable;

/**
 * A provider call that did not end well. {@code reason} is fit for an operator and never holds the API key;
 * {@code retryable} failures (429, 5xx, a connection refused before any answer) may be tried again, after
 * {@code retryAfter} when the provider said so.
 */
public class ProviderFailure extends RuntimeException {

    public enum Kind { RATE_LIMITED, UNAVAILABLE, REFUSED, STREAM_ERROR, DISCONNECTED, MAX_TOKENS, PROCESS }

    private final Kind kind;
    private final boolean retryable;
    @Nullable
    private final Duration retryAfter;

    public ProviderFailure(Kind kind, String reason, boolean retryable, @Nullable Duration retryAfter) {
        super(reason, null, false, false);
        this.kind = kind;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public static ProviderFailure of(Kind kind, String reason) {
        return new ProviderFailure(kind, reason, false, null);
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return retryable;
    }

    @Nullable
    public Duration retryAfter() {
        return retryAfter;
    }
}
