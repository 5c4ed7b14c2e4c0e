package io.agentworkspace.support;

import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/**
 * A local OTLP/HTTP trace collector: takes {@code POST /v1/traces} with a protobuf {@code ExportTraceServiceRequest}
 * (the real wire format, decoded with the OpenTelemetry protocol's own classes) and keeps every span it received.
 */
public final class OtlpCollector implements AutoCloseable {

    /** A received span; ids in lower-case hex, {@code parentSpanId} empty for a root; {@code node} from its resource. */
    public record ReceivedSpan(String node, String traceId, String spanId, String parentSpanId, String name,
                               Map<String, String> attributes) {
    }

    private static final HexFormat HEX = HexFormat.of();

    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final LoopbackEndpoint endpoint = LoopbackEndpoint.start("/v1/traces", this::receive);

    private OtlpCollector() {
    }

    public static OtlpCollector start() {
        return new OtlpCollector();
    }

    public String endpoint() {
        return endpoint.baseUrl() + "/v1/traces";
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    public List<ReceivedSpan> trace(String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    /** Requests that were not a protobuf export: an exporter speaking something else. */
    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (!"POST".equals(exchange.getRequestMethod()) || type == null || !type.startsWith("application/x-protobuf")) {
                refusals.add(exchange.getRequestMethod() + " " + type);
                exchange.sendResponseHeaders(415, -1);
                return;
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(LoopbackEndpoint.body(exchange));
            for (ResourceSpans resource : request.getResourceSpansList()) {
                String node = attributes(resource.getResource().getAttributesList()).getOrDefault("node", "");
                for (ScopeSpans scope : resource.getScopeSpansList()) {
                    for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
                        spans.add(new ReceivedSpan(node, HEX.formatHex(span.getTraceId().toByteArray()),
                                HEX.formatHex(span.getSpanId().toByteArray()),
                                HEX.formatHex(span.getParentSpanId().toByteArray()), span.getName(),
                                attributes(span.getAttributesList())));
                    }
                }
            }
            LoopbackEndpoint.answer(exchange, 200, "application/x-protobuf",
                    ExportTraceServiceResponse.getDefaultInstance().toByteArray());
        }
    }

    private static Map<String, String> attributes(List<KeyValue> values) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (KeyValue value : values) {
            attributes.put(value.getKey(), value.getValue().hasStringValue() ? value.getValue().getStringValue()
                    : value.getValue().toString().strip());
        }
        return attributes;
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
