package io.agentworkspace.infrastructure.observability;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Names the request's trace in every {@code application/problem+json} answer ({@code traceId}), whichever handler,
 * filter or security entry point wrote the problem: an operator given a problem finds the request's spans and log
 * lines. Other answers pass untouched.
 */
@Component
class TraceIdOnProblems implements WebFilter, Ordered {

    private static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

    private final ObjectMapper json;

    TraceIdOnProblems(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String traceId = RequestTraces.traceIdOf(exchange).orElse(null);
        if (traceId == null) {
            return chain.filter(exchange);
        }
        ServerHttpResponseDecorator response = new ServerHttpResponseDecorator(exchange.getResponse()) {
            @Override
            public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
                MediaType type = getHeaders().getContentType();
                if (type == null || !PROBLEM_JSON.isCompatibleWith(type)) {
                    return super.writeWith(body);
                }
                return DataBufferUtils.join(body).flatMap(buffer -> {
                    byte[] named = withTraceId(buffer, traceId);
                    getHeaders().setContentLength(named.length);
                    return super.writeWith(Mono.just(bufferFactory().wrap(named)));
                });
            }
        };
        return chain.filter(exchange.mutate().response(response).build());
    }

    private byte[] withTraceId(DataBuffer buffer, String traceId) {
        byte[] bytes = new byte[buffer.readableByteCount()];
        buffer.read(bytes);
        DataBufferUtils.release(buffer);
        try {
            JsonNode problem = json.readTree(bytes);
            if (problem instanceof ObjectNode object && !object.has("traceId")) {
                object.put("traceId", traceId);
                return json.writeValueAsBytes(object);
            }
        } catch (IOException notJson) {
            // answered as written
        }
        return bytes;
    }
}
