package io.agentworkspace.console;

import java.util.concurrent.ScheduledThreadPoolExecutor;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The console's one thread, {@code console-log}: it appends batches to the log (group commit) and, between them,
 * puts committed events in id order and routes them to subscriptions. Doing both on one thread saves a thread
 * hand-off per batch: a woken thread costs more CPU here than routing a batch.
 */
@Component
class ConsoleThread implements DisposableBean {

    private final ScheduledThreadPoolExecutor executor;
    private final Scheduler scheduler;
    private volatile Thread thread;

    ConsoleThread() {
        executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread created = new Thread(task, "console-log");
            created.setDaemon(true);
            thread = created;
            return created;
        });
        executor.setRemoveOnCancelPolicy(true);
        scheduler = Schedulers.fromExecutorService(executor, "console-log");
    }

    /** Whether the caller runs on the console thread. */
    boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    void execute(Runnable task) {
        executor.execute(task);
    }

    Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
