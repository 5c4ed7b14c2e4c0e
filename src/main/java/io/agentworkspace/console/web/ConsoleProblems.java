package io.agentworkspace.console.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import io.agentworkspace.console.ConsoleUnavailable;
import io.agentworkspace.console.CursorInFuture;
import io.agentworkspace.infrastructure.web.Problems;

/** The console's own refusals as problem+json (see docs/errors.md). */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleProblems {

    /** A cursor older than retention: the client must restart from {@code resetCursor}, knowing it missed events. */
    static final class CursorExpired extends RuntimeException {
        final String channel;
        final long resetCursor;

        CursorExpired(String channel, long resetCursor) {
            super(null, null, false, false);
            this.channel = channel;
            this.resetCursor = resetCursor;
        }
    }

    /** A Pusher HTTP API request that is not signed as the protocol requires. */
    static final class Unsigned extends RuntimeException {
        final String slug;

        Unsigned(String slug, String message) {
            super(message, null, false, false);
            this.slug = slug;
        }
    }

    @ExceptionHandler(CursorInFuture.class)
    ResponseEntity<ProblemDetail> future(CursorInFuture failure) {
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "cursor-in-future",
                "The cursor is beyond the newest event; use an id this server sent.");
        problem.setProperty("head", failure.head());
        return Problems.response(problem, null);
    }

    @ExceptionHandler(CursorExpired.class)
    ResponseEntity<ProblemDetail> expired(CursorExpired failure) {
        ProblemDetail problem = Problems.of(HttpStatus.GONE, "cursor-expired", "Events of " + failure.channel
                + " after this cursor were removed by retention; continue after resetCursor.");
        problem.setProperty("channel", failure.channel);
        problem.setProperty("resetCursor", failure.resetCursor);
        return Problems.response(problem, null);
    }

    @ExceptionHandler(Unsigned.class)
    ResponseEntity<ProblemDetail> unsigned(Unsigned failure) {
        return Problems.response(Problems.of(HttpStatus.UNAUTHORIZED, failure.slug, failure.getMessage()), null);
    }

    @ExceptionHandler(ConsoleUnavailable.class)
    ResponseEntity<ProblemDetail> unavailable(ConsoleUnavailable failure) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "1");
        return Problems.response(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "console-unavailable",
                failure.getMessage()), headers);
    }
}
