package io.agentworkspace.console.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

/**
 * Long-lived console connections (WebSocket, SSE) counted per client address and per token, so one client cannot
 * hold the node's memory and file descriptors. {@link #open} takes a place or refuses; the returned handle gives
 * it back once. Counters vanish at zero, so the map holds only keys with open connections.
 */
@Component
class ConnectionLimits {

    /** A place taken; {@link #close} gives it back (idempotent). */
    interface Place {
        void close();
    }

    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

    /** @return the place, or null when {@code key} already holds {@code max} connections */
    @Nullable
    Place open(String key, int max) {
        boolean[] taken = new boolean[1];
        open.compute(key, (k, count) -> {
            AtomicInteger current = count == null ? new AtomicInteger() : count;
            if (current.get() < max) {
                current.incrementAndGet();
                taken[0] = true;
            }
            return current.get() == 0 ? null : current;
        });
        if (!taken[0]) {
            return null;
        }
        AtomicInteger once = new AtomicInteger();
        return () -> {
            if (once.getAndIncrement() == 0) {
                open.computeIfPresent(key, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
            }
        };
    }

    int count(String key) {
        AtomicInteger count = open.get(key);
        return count == null ? 0 : count.get();
    }
}
