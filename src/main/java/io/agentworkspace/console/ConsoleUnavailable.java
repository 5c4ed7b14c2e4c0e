package io.agentworkspace.console;

/**
 * The console log could not take the event: its queue is full, it is shutting down, or the database refused the
 * append. Nothing was appended or delivered; the publisher may retry.
 */
public final class ConsoleUnavailable extends RuntimeException {

    ConsoleUnavailable(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    ConsoleUnavailable(String message) {
        super(message, null, false, false);
    }
}
