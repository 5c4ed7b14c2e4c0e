package io.agentworkspace.infrastructure.web;

import java.util.List;
import java.util.Map;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.observability.RequestTraces;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;

/**
 * Turns every exception a handler method raises into {@code application/problem+json}. Validation failures name
 * each field at fault under {@code errors}.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    private final RequestTraces traces;

    ProblemResponses(RequestTraces traces) {
        this.traces = traces;
    }

    @ExceptionHandler(RejectedCommand.class)
    Mono<ResponseEntity<ProblemDetail>> rejected(RejectedCommand rejection) {
        return Mono.just(Problems.rejectedResponse(rejection));
    }

    @ExceptionHandler(AccessDeniedException.class)
    Mono<ResponseEntity<ProblemDetail>> denied(AccessDeniedException denied, ServerWebExchange exchange) {
        ProblemDetail problem = Problems.of(HttpStatus.FORBIDDEN, "forbidden",
                "This token lacks the ability this operation requires.");
        RequiredAbility.of(exchange).ifPresent(ability -> problem.setProperty("requiredAbility", ability));
        return Mono.just(Problems.response(problem, null));
    }

    /**
     * The client went away before its answer was written: not an internal error, and there is no one to answer.
     * Passed on, so the web handler logs it as a lost client (debug), not with a stack trace per request.
     */
    @ExceptionHandler(AbortedException.class)
    Mono<ResponseEntity<ProblemDetail>> clientGone(AbortedException gone) {
        return Mono.error(gone);
    }

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<ProblemDetail>> unexpected(Exception failure, ServerWebExchange exchange) {
        // logged and reported in the request's trace
        return Mono.just(Problems.response(traces.inTraceOf(exchange, () -> Problems.internalError(failure)), null));
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(
            WebExchangeBindException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<Map<String, String>> errors = ex.getFieldErrors().stream()
                .map(error -> Problems.fieldError(error.getField(), String.valueOf(error.getDefaultMessage())))
                .toList();
        return validationFailed(errors, headers);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<Map<String, String>> errors = ex.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream().map(error -> Problems.fieldError(
                        result.getMethodParameter().getParameterName(), String.valueOf(error.getDefaultMessage()))))
                .toList();
        return validationFailed(errors, headers);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(
            ServerWebInputException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        // the exception's own reason can quote parser internals and the offending input: keep to a fixed sentence
        String detail = ex.getMethodParameter() != null && ex.getMethodParameter().getParameterName() != null
                && !isBody(ex)
                ? "Parameter '" + ex.getMethodParameter().getParameterName() + "' is missing or malformed."
                : "The request body is missing or is not well-formed JSON of the expected shape.";
        return Mono.just(asObject(Problems.response(Problems.of(HttpStatus.BAD_REQUEST, "malformed-request", detail),
                headers)));
    }

    @Override
    protected Mono<ResponseEntity<Object>> createResponseEntity(
            @Nullable Object body, @Nullable HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        ProblemDetail problem = body instanceof ProblemDetail detail ? detail
                : Problems.of(status, Problems.slugOf(status), Problems.titleOf(status));
        if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            problem.setType(java.net.URI.create("/problems/" + Problems.slugOf(status)));
        }
        return Mono.just(asObject(Problems.response(problem, headers)));
    }

    @Override
    @Nullable
    protected MessageSource getMessageSource() {
        return null;
    }

    private Mono<ResponseEntity<Object>> validationFailed(List<Map<String, String>> errors, HttpHeaders headers) {
        String fields = errors.stream().map(error -> error.get("field") + " " + error.get("message"))
                .reduce((a, b) -> a + "; " + b).orElse("invalid request");
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "validation-failed", "Validation failed: " + fields);
        problem.setProperty("errors", errors);
        return Mono.just(asObject(Problems.response(problem, headers)));
    }

    private static boolean isBody(ServerWebInputException ex) {
        return ex.getMethodParameter() != null
                && ex.getMethodParameter().hasParameterAnnotation(org.springframework.web.bind.annotation.RequestBody.class);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ResponseEntity<Object> asObject(ResponseEntity<ProblemDetail> entity) {
        return (ResponseEntity) entity;
    }
}
