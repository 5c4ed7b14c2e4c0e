package io.agentworkspace.infrastructure.observability;

import java.util.Optional;
import java.util.function.Supplier;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The span of an HTTP request, found through its exchange. Reactor does not carry the request's span in thread
 * locals from operator to operator (automatic context propagation costs about a quarter more CPU per request, see
 * docs/benchmarks.md), so code that answers for the request on whatever thread asks the exchange.
 */
@Component
public class RequestTraces {

    private final Traces traces;

    RequestTraces(Traces traces) {
        this.traces = traces;
    }

    public static Optional<Span> spanOf(ServerWebExchange exchange) {
        return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(context -> context.<TracingObservationHandler.TracingContext>get(
                        TracingObservationHandler.TracingContext.class))
                .map(TracingObservationHandler.TracingContext::getSpan);
    }

    /** The request's W3C trace id, if it is traced. */
    public static Optional<String> traceIdOf(ServerWebExchange exchange) {
        return spanOf(exchange).map(span -> span.context().traceId()).filter(id -> !id.isBlank());
    }

    /** Calls {@code work} with the request's span current: its log lines and error reports name the trace. */
    public <T> T inTraceOf(ServerWebExchange exchange, Supplier<T> work) {
        Span span = spanOf(exchange).orElse(null);
        if (span == null) {
            return work.get();
        }
        try (Tracer.SpanInScope scope = traces.scope(span)) {
            return work.get();
        }
    }
}
