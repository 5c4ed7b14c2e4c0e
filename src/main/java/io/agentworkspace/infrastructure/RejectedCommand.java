package io.agentworkspace.infrastructure;

import org.springframework.lang.Nullable;

/**
 * A command refused by a business rule, with the reason a client can act on. Adapters translate the reason into
 * their own vocabulary (HTTP status, problem type); the domain never speaks HTTP.
 */
public class RejectedCommand extends RuntimeException {

    public enum Reason { INVALID, NOT_FOUND, CONFLICT, UNAVAILABLE, TOO_MANY_ATTEMPTS }

    private final Reason reason;
    private final String problem;
    @Nullable
    private final String field;

    /**
     * @param problem a short stable slug naming the rule, e.g. {@code project-name-taken}
     * @param field   the request field at fault, if one is
     */
    public RejectedCommand(Reason reason, String problem, @Nullable String field, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.problem = problem;
        this.field = field;
    }

    public static RejectedCommand invalid(String problem, @Nullable String field, String message) {
        return new RejectedCommand(Reason.INVALID, problem, field, message);
    }

    public static RejectedCommand conflict(String problem, String message) {
        return new RejectedCommand(Reason.CONFLICT, problem, null, message);
    }

    public static RejectedCommand notFound(String problem, String message) {
        return new RejectedCommand(Reason.NOT_FOUND, problem, null, message);
    }

    /** Too many attempts; the client may try again after {@code retryAfterSeconds}. */
    public static RejectedCommand tooManyAttempts(String problem, String message, long retryAfterSeconds) {
        RejectedCommand rejected = new RejectedCommand(Reason.TOO_MANY_ATTEMPTS, problem, null, message);
        rejected.retryAfterSeconds = Math.max(1, retryAfterSeconds);
        return rejected;
    }

    private long retryAfterSeconds;

    /** Seconds before a retry makes sense, or 0 when not applicable. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    public String problem() {
        return problem;
    }

    @Nullable
    public String field() {
        return field;
    }
}
