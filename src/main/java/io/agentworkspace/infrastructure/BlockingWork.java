package io.agentworkspace.infrastructure;

import java.util.concurrent.Callable;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs blocking calls (JDBC through Axon, JGit, file I/O) on a bounded pool of their own, never on a Netty event
 * loop. The cap bounds how many JDBC connections blocking work can hold at once; excess work queues.
 */
@Component
public class BlockingWork implements DisposableBean {

    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

    private final Scheduler scheduler;

    BlockingWork(BlockingSettings settings) {
        this.scheduler = Schedulers.newBoundedElastic(settings.threads(), settings.queue(), "blocking-work", 60, true);
    }

    /** Calls {@code call} on the pool, in the caller's trace (its span is the current one there too). */
    public <T> Mono<T> call(Callable<T> call) {
        return Mono.deferContextual(context -> {
            ContextSnapshot caller = SNAPSHOTS.captureAll(context);
            return Mono.fromCallable(() -> {
                try (ContextSnapshot.Scope scope = caller.setThreadLocals()) {
                    return call.call();
                }
            });
        }).subscribeOn(scheduler);
    }

    public Mono<Void> run(Runnable run) {
        return call(() -> {
            run.run();
            return null;
        }).then();
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void destroy() {
        scheduler.dispose();
    }
}
