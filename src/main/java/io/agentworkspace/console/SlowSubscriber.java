package io.agentworkspace.console;

/**
 * A subscriber fell behind by more than its buffer and was cut off. {@code lastId} is the last id handed to it:
 * resuming after it (or after the last id the client actually received) loses nothing.
 */
public final class SlowSubscriber extends RuntimeException {

    private final long lastId;

    public SlowSubscriber(long lastId) {
        super("subscriber too slow; resume after " + lastId, null, false, false);
        this.lastId = lastId;
    }

    public long lastId() {
        return lastId;
    }
}
