package io.agentworkspace.console;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The texts of one {@link ConsoleEventService#publishTexts} call on their way into the log: they may be appended
 * in more than one batch; the callback hears once, when the last one is durable or the first one was refused.
 */
final class PublishedTexts {

    private final long[] ids;
    private final AtomicInteger remaining;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final ConsoleEventService.Appended callback;

    PublishedTexts(int count, ConsoleEventService.Appended callback) {
        this.ids = new long[count];
        this.remaining = new AtomicInteger(count);
        this.callback = callback;
    }

    void appended(int index, long id) {
        ids[index] = id;
        if (remaining.decrementAndGet() == 0 && answered.compareAndSet(false, true)) {
            callback.appended(ids);
        }
    }

    void refused(Throwable failure) {
        if (answered.compareAndSet(false, true)) {
            callback.refused(failure);
        }
    }
}
