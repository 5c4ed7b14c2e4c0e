package io.agentworkspace.workspace;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

final class Retries {

    private Retries() {
    }

    /**
     * Tries at once, then again every {@code backoff} while the attempt completes empty (workspace held), until
     * granted or the wait runs out.
     */
    static Mono<WorkspaceLease> untilAcquired(Mono<WorkspaceLease> attempt, String projectId, Duration wait,
                                              Duration backoff) {
        long retries = wait.toMillis() / Math.max(1, backoff.toMillis());
        return Flux.range(0, (int) Math.min(Integer.MAX_VALUE, retries + 1))
                .concatMap(i -> i == 0 ? attempt : attempt.delaySubscription(backoff))
                .next()
                .switchIfEmpty(Mono.error(() -> new WorkspaceBusy(projectId, "is locked by another writer")));
    }
}
