package io.agentworkspace.infrastructure;

/**
 * The reason a failure is recorded with (in an event, a read model, a log line): one line, no control characters
 * (a remote's or a provider's text cannot forge log lines or break a console), at most {@link #MAX} characters
 * unless the record allows more.
 */
public final class FailureReasons {

    public static final int MAX = 500;

    private FailureReasons() {
    }

    /** {@code text} as a recordable reason. */
    public static String clean(String text) {
        return clean(text, MAX);
    }

    /** {@code text} as a recordable reason of at most {@code max} characters. */
    public static String clean(String text, int max) {
        String clean = text.replaceAll("\\p{Cntrl}", " ").strip();
        return clean.length() > max ? clean.substring(0, max) : clean;
    }

    /** A failure's message (its type when it has none), with its cause's when that adds something, cleaned. */
    public static String of(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        Throwable cause = failure.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message = message + ": " + cause.getMessage();
        }
        return clean(message);
    }
}
