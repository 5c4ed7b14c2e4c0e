package io.agentworkspace.infrastructure.web;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.observability.RequestTraces;
import reactor.core.publisher.Mono;

/**
 * The last line: errors that escape the controllers (filters, routing, codecs) are written as problem+json too,
 * ahead of Spring Boot's default error page handler.
 */
@Component
@Order(-2)
class ProblemJsonErrorHandler implements WebExceptionHandler {

    private final ProblemWriter writer;

    private final RequestTraces traces;

    ProblemJsonErrorHandler(ProblemWriter writer, RequestTraces traces) {
        this.writer = writer;
        this.traces = traces;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(failure);
        }
        if (failure instanceof RejectedCommand rejection) {
            var response = Problems.rejectedResponse(rejection);
            return writer.write(exchange, response.getBody(), response.getHeaders());
        }
        HttpHeaders headers = failure instanceof ResponseStatusException statusException
                ? statusException.getHeaders() : null;
        return writer.write(exchange, traces.inTraceOf(exchange, () -> problemFor(failure)), headers);
    }

    private static ProblemDetail problemFor(Throwable failure) {
        if (failure instanceof ResponseStatusException statusException) {
            var status = statusException.getStatusCode();
            if (status.is5xxServerError()) {
                return Problems.internalError(failure);
            }
            String detail = statusException.getReason() != null && status.value() != HttpStatus.BAD_REQUEST.value()
                    ? statusException.getReason() : Problems.titleOf(status);
            return Problems.of(status, Problems.slugOf(status), detail);
        }
        return Problems.internalError(failure);
    }
}
