package io.agentworkspace.infrastructure;

import java.time.Duration;
import java.util.function.Supplier;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * Periodic calls that survive a slow callee. A bare {@code Flux.interval(..).concatMap(..)} fails with an overflow
 * once calls lag about 32 ticks behind (a busy database under load); here a tick that comes while a call is still
 * running is skipped, so a slow callee slows the poll down instead of ending it. The SSE heartbeats use it too
 * ({@code () -> Mono.just(beat)}): a beat a slow client has no room for is skipped, not queued.
 */
public final class Polling {

    private Polling() {
    }

    /** Calls {@code call} after {@code first}, then every {@code period}; never two calls at once. */
    public static <T> Flux<T> every(Duration first, Duration period, Supplier<? extends Publisher<T>> call) {
        return Flux.interval(first, period)
                .onBackpressureDrop()
                .concatMap(tick -> call.get(), 1);
    }

    /** Calls {@code call} every {@code period}, the first time after one period. */
    public static <T> Flux<T> every(Duration period, Supplier<? extends Publisher<T>> call) {
        return every(period, period, call);
    }
}
