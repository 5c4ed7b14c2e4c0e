package io.agentworkspace.console;

/** A resume cursor beyond the newest event of the log: it cannot come from this log. */
public final class CursorInFuture extends RuntimeException {

    private final long head;

    CursorInFuture(long cursor, long head) {
        super("cursor " + cursor + " is beyond the newest event id " + head, null, false, false);
        this.head = head;
    }

    public long head() {
        return head;
    }
}
