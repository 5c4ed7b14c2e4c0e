package io.agentworkspace.run;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

/**
 * Wakes the dispatcher: rung after a queued run is in the read model, and when a local run frees a slot. Rings
 * while the dispatcher is busy are not lost, and many rings wake it once.
 */
@Component
class DispatchBell {

    private final Semaphore rung = new Semaphore(0);

    void ring() {
        if (rung.availablePermits() == 0) {
            rung.release();
        }
    }

    /** Waits for a ring, at most {@code millis}; true when rung. */
    boolean await(long millis) throws InterruptedException {
        boolean woken = rung.tryAcquire(millis, TimeUnit.MILLISECONDS);
        rung.drainPermits();
        return woken;
    }
}
