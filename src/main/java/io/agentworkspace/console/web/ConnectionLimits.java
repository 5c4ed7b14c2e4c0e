package io.agentworkspace.console.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

/**
 * Long-lived console connections (WebSocket, SSE) counted per client address and per token, both transports
 * together, so one client cannot hold the node's memory and file descriptors. A WebSocket carries no bearer token:
 * it counts against a token while it holds a subscription whose signed {@code channel_data} names that token (the
 * token that asked {@code /broadcasting/auth} for it), once however many of its channels are bound to the token.
 * {@link #forAddress} and {@link #forToken} take a place or refuse; the returned handle gives it back once. Counters
 * vanish at zero, so the map holds only keys with open connections.
 */
@Component
class ConnectionLimits {

    /** A place taken; {@link #close} gives it back (idempotent). */
    interface Place {
        void close();
    }

    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

    /** @return the place, or null when the address already holds {@code max} connections */
    @Nullable
    Place forAddress(String address, int max) {
        return open("address:" + address, max);
    }

    /** @return the place, or null when the token already holds {@code max} connections */
    @Nullable
    Place forToken(String tokenId, int max) {
        return open("token:" + tokenId, max);
    }

    @Nullable
    private Place open(String key, int max) {
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
}
