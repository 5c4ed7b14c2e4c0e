package io.agentworkspace.infrastructure.web;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import io.agentworkspace.infrastructure.observability.RequestTraces;
import reactor.core.publisher.Mono;

/** Writes a problem straight to a response, for code that runs outside the controllers (filters, handlers). */
@Component
public class ProblemWriter {

    private final ObjectMapper json;

    ProblemWriter(ObjectMapper json) {
        this.json = json;
    }

    public Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem, @Nullable HttpHeaders headers) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        // written outside the filter chain too (WebExceptionHandler): name the trace here as TraceIdOnProblems does
        if (problem.getProperties() == null || !problem.getProperties().containsKey("traceId")) {
            RequestTraces.traceIdOf(exchange).ifPresent(traceId -> problem.setProperty("traceId", traceId));
        }
        if (problem.getInstance() == null) {
            problem.setInstance(java.net.URI.create(exchange.getRequest().getPath().value()));
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            body = ("{\"status\":" + problem.getStatus() + "}").getBytes(StandardCharsets.UTF_8);
        }
        response.setRawStatusCode(problem.getStatus());
        if (headers != null) {
            headers.forEach((name, values) -> response.getHeaders().put(name, values));
        }
        response.getHeaders().setContentType(Problems.PROBLEM_JSON);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
