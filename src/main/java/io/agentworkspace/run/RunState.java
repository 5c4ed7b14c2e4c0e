package io.agentworkspace.run;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where a run is in its lifecycle; the wire name is the lower-case one ({@code timed_out}). */
public enum RunState {
    QUEUED, STARTING, RUNNING, SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, INTERRUPTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTerminal() {
        return ordinal() >= SUCCEEDED.ordinal();
    }

    public boolean isActive() {
        return this == STARTING || this == RUNNING;
    }

    public static Optional<RunState> ofWireName(String name) {
        return Arrays.stream(values()).filter(state -> state.wireName().equals(name)).findFirst();
    }
}
