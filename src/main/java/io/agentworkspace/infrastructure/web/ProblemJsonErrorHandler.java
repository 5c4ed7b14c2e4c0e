package io.agentworkspace.infrastructure.web;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import io.agentworkspace.infrastructure.RejectedCommand;
import reactor.core.publisher.Mono;

/**
 * The last line: errors that escape the controllers (filters, routing, codecs) are written as problem+json too,
 * ahead of Spring Boot's default error page handler.
 */
@Component
@Order(-2)
class ProblemJsonErrorHandler implements WebExceptionHandler {

    private final ObjectMapper json;

    ProblemJsonErrorHandler(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(failure);
        }
        ProblemDetail problem = problemFor(failure);
        byte[] body;
        try {
            body = json.writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            body = ("{\"status\":" + problem.getStatus() + "}").getBytes(StandardCharsets.UTF_8);
        }
        var response = exchange.getResponse();
        response.setRawStatusCode(problem.getStatus());
        response.getHeaders().setContentType(Problems.PROBLEM_JSON);
        if (failure instanceof ResponseStatusException statusException) {
            statusException.getHeaders().forEach((name, values) -> response.getHeaders().addAll(name, values));
        }
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    private static ProblemDetail problemFor(Throwable failure) {
        if (failure instanceof RejectedCommand rejection) {
            return Problems.rejected(rejection);
        }
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
