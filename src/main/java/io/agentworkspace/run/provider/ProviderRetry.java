package io.agentworkspace.run.provider;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.agentworkspace.infrastructure.RetryAfter;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import reactor.core.publisher.Flux;

/**
 * Retries a provider call that failed before it answered: a 429 or 5xx, or no connection. Waits an exponential
 * backoff from {@code initialBackoff}, never shorter than what the provider asked in Retry-After, never past
 * {@code maxBackoff} ({@link RetryAfter#backoff}).
 * Never retries once a stream has delivered anything, so no output is ever repeated.
 */
public final class ProviderRetry {

    private final RetryConfig config;
    private final AtomicLong names = new AtomicLong();

    public ProviderRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        IntervalBiFunction<Object> interval = (attempt, outcome) -> RetryAfter.backoff(attempt, initialBackoff,
                maxBackoff, outcome.isLeft() && outcome.getLeft() instanceof ProviderFailure failure
                        ? failure.retryAfter() : null).toMillis();
        this.config = RetryConfig.custom()
                .maxAttempts(Math.max(1, maxAttempts))
                .intervalBiFunction(interval)
                .retryOnException(failure -> failure instanceof ProviderFailure provider && provider.retryable())
                .failAfterMaxAttempts(false)
                .build();
    }

    public <T> Flux<T> apply(Flux<T> call, String provider) {
        Retry retry = Retry.of(provider + "-" + names.incrementAndGet(), config);
        return call.transformDeferred(RetryOperator.of(retry));
    }
}
