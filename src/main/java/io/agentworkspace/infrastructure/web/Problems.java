package io.agentworkspace.infrastructure.web;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.observability.ErrorReports;
import io.agentworkspace.infrastructure.observability.Traces;

/**
 * Builds the RFC 9457 problem bodies every error response carries. Problem types are stable slugs under
 * {@code /problems/}, listed in docs/errors.md; details never carry stack traces, SQL or secrets. Every problem
 * answered within a trace names it ({@code traceId}), so an operator finds the request's spans and log lines.
 */
public final class Problems {

    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;
    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String slug, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("/problems/" + slug));
        problem.setTitle(titleOf(status));
        String traceId = Traces.currentTraceId();
        if (traceId != null) {
            problem.setProperty("traceId", traceId);
        }
        return problem;
    }

    public static ProblemDetail rejected(RejectedCommand rejection) {
        ProblemDetail problem = of(statusOf(rejection.reason()), rejection.problem(), rejection.getMessage());
        if (rejection.field() != null) {
            problem.setProperty("errors", List.of(fieldError(rejection.field(), rejection.getMessage())));
        }
        return problem;
    }

    /** The response for a refused command, with Retry-After when the refusal says when to retry. */
    public static ResponseEntity<ProblemDetail> rejectedResponse(RejectedCommand rejection) {
        HttpHeaders headers = new HttpHeaders();
        if (rejection.retryAfterSeconds() > 0) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(rejection.retryAfterSeconds()));
        }
        return response(rejected(rejection), headers);
    }

    public static Map<String, String> fieldError(String field, String message) {
        return Map.of("field", field, "message", message);
    }

    /** A 500 that says nothing about the failure beyond an id to find it in the log. */
    public static ProblemDetail internalError(Throwable failure) {
        String errorId = UUID.randomUUID().toString();
        log.error("internal error {}", errorId, failure);
        ErrorReports.unhandled(failure, errorId);
        ProblemDetail problem = of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
                "The server failed to handle the request. Quote error id " + errorId + " when reporting it.");
        problem.setProperty("errorId", errorId);
        return problem;
    }

    public static ResponseEntity<ProblemDetail> response(ProblemDetail problem, @Nullable HttpHeaders extraHeaders) {
        HttpHeaders headers = new HttpHeaders();
        if (extraHeaders != null) {
            headers.putAll(extraHeaders);
        }
        headers.setContentType(PROBLEM_JSON);
        return ResponseEntity.status(problem.getStatus()).headers(headers).body(problem);
    }

    static HttpStatus statusOf(RejectedCommand.Reason reason) {
        return switch (reason) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case TOO_MANY_ATTEMPTS -> HttpStatus.TOO_MANY_REQUESTS;
        };
    }

    static String titleOf(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known != null ? known.getReasonPhrase() : "Error";
    }

    static String slugOf(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "bad-request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 409 -> "conflict";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 429 -> "too-many-requests";
            case 503 -> "unavailable";
            default -> status.is5xxServerError() ? "internal-error" : "http-" + status.value();
        };
    }
}
