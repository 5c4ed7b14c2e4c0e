package io.agentworkspace.infrastructure;

import java.util.concurrent.Callable;

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

    private final Scheduler scheduler;

    BlockingWork(BlockingSettings settings) {
        this.scheduler = Schedulers.newBoundedElastic(settings.threads(), settings.queue(), "blocking-work", 60, true);
    }

    public <T> Mono<T> call(Callable<T> call) {
        return Mono.fromCallable(call).subscribeOn(scheduler);
    }

    public Mono<Void> run(Runnable run) {
        return Mono.<Void>fromRunnable(run).subscribeOn(scheduler);
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void destroy() {
        scheduler.dispose();
    }
}
