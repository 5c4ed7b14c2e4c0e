package io.agentworkspace.infrastructure.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;

import reactor.core.publisher.Mono;

class UntrustedTraceContextTest {

    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void aClientsTraceContextIsDroppedAndEverythingElseKept() {
        HttpHeaders seen = handle(List.of(), "203.0.113.7");

        assertThat(UntrustedTraceContext.HEADERS).allSatisfy(name -> assertThat(seen.containsKey(name)).as(name).isFalse());
        assertThat(seen.getFirst("X-Request-Note")).isEqualTo("kept");
    }

    @Test
    void aListedPeerContinuesItsTrace() {
        HttpHeaders seen = handle(List.of("10.0.0.0/8", "127.0.0.1/32"), "10.1.2.3");

        assertThat(seen.getFirst("traceparent")).isEqualTo(TRACEPARENT);
        assertThat(seen.getFirst("X-B3-Sampled")).isEqualTo("1");
    }

    private static HttpHeaders handle(List<String> trusted, String peer) {
        AtomicReference<HttpHeaders> seen = new AtomicReference<>();
        HttpHandler inner = (request, response) -> {
            seen.set(request.getHeaders());
            return Mono.empty();
        };
        MockServerHttpRequest request = MockServerHttpRequest.get("/api/projects")
                .remoteAddress(new InetSocketAddress(peer, 40000))
                .header("traceparent", TRACEPARENT).header("tracestate", "vendor=1").header("baggage", "user=x")
                .header("b3", "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1").header("X-B3-Sampled", "1")
                .header("X-Request-Note", "kept").build();
        new UntrustedTraceContext(trusted).around(inner).handle(request, new MockServerHttpResponse()).block();
        return seen.get();
    }
}
