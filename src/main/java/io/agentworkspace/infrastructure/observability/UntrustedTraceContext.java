package io.agentworkspace.infrastructure.observability;

import java.net.InetSocketAddress;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpRequest;

import io.agentworkspace.infrastructure.Cidr;

/**
 * Drops the trace context headers of a request unless its peer is listed in
 * {@code agent.observability.trace-context-from}. A continued {@code traceparent} decides sampling and names the
 * trace that the request's events store in their metadata, so taking it from any client would let one force every
 * span of its requests to be recorded and exported, or plant a trace id of its choosing in the history. It wraps
 * the whole HTTP handler, outside the observation that reads the headers.
 */
final class UntrustedTraceContext {

    /** W3C trace context and baggage, and B3 in its single and multi header forms. */
    static final List<String> HEADERS = List.of("traceparent", "tracestate", "baggage", "b3", "X-B3-TraceId",
            "X-B3-SpanId", "X-B3-ParentSpanId", "X-B3-Sampled", "X-B3-Flags");

    private final List<Cidr> trusted;

    UntrustedTraceContext(List<String> trustedPeers) {
        this.trusted = trustedPeers.stream().map(Cidr::parse).toList();
    }

    HttpHandler around(HttpHandler handler) {
        return (request, response) -> handler.handle(carriesTraceContext(request.getHeaders()) && !trusted(request)
                ? request.mutate().headers(headers -> HEADERS.forEach(headers::remove)).build() : request, response);
    }

    private static boolean carriesTraceContext(HttpHeaders headers) {
        for (String name : HEADERS) {
            if (headers.containsKey(name)) {
                return true;
            }
        }
        return false;
    }

    private boolean trusted(ServerHttpRequest request) {
        InetSocketAddress peer = request.getRemoteAddress();
        return peer != null && peer.getAddress() != null
                && trusted.stream().anyMatch(cidr -> cidr.contains(peer.getAddress()));
    }
}
