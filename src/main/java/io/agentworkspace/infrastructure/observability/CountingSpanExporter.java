package io.agentworkspace.infrastructure.observability;

import java.util.Collection;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.springframework.beans.factory.ObjectProvider;

/** The OTLP exporter, with every batch the collector did not take counted and the first failure logged. */
final class CountingSpanExporter implements SpanExporter {

    private final SpanExporter exporter;
    private final ObjectProvider<ExportFailures> failures;

    CountingSpanExporter(SpanExporter exporter, ObjectProvider<ExportFailures> failures) {
        this.exporter = exporter;
        this.failures = failures;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        CompletableResultCode result;
        try {
            result = exporter.export(spans);
        } catch (RuntimeException failure) {
            failures.getObject().failed("otlp", "unreachable", failure.toString());
            return CompletableResultCode.ofFailure();
        }
        result.whenComplete(() -> {
            if (result.isSuccess()) {
                failures.getObject().recovered("otlp");
            } else {
                Throwable why = result.getFailureThrowable();
                failures.getObject().failed("otlp", "unreachable", spans.size() + " span(s) dropped"
                        + (why == null ? "" : ": " + why));
            }
        });
        return result;
    }

    @Override
    public CompletableResultCode flush() {
        return exporter.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return exporter.shutdown();
    }

    @Override
    public String toString() {
        return "Counting" + exporter;
    }
}
