package io.agentworkspace.console.web;

/**
 * How many client events one connection may still send: a token bucket of {@code perSecond} tokens refilled
 * continuously, as Pusher limits client events per connection. Used by the connection's own event loop only.
 */
final class ClientEventAllowance {

    private final double perNano;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    ClientEventAllowance(int perSecond) {
        this.capacity = Math.max(1, perSecond);
        this.perNano = perSecond / 1e9;
        this.tokens = capacity;
        this.lastNanos = System.nanoTime();
    }

    /** Takes one event's token; false when the connection has sent its share. */
    synchronized boolean take(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * perNano);
        lastNanos = nowNanos;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
