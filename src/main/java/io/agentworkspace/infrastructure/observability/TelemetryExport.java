package io.agentworkspace.infrastructure.observability;

import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.web.reactive.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TelemetryExport {

    /** Every span exporter Spring Boot configures (OTLP once an endpoint is set) reports its failures. */
    @Bean
    static BeanPostProcessor countedSpanExports(ObjectProvider<ExportFailures> failures) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof SpanExporter exporter && !(bean instanceof CountingSpanExporter)
                        ? new CountingSpanExporter(exporter, failures) : bean;
            }
        };
    }

    /** Wraps the whole API handler, so the request's observation never sees an untrusted peer's trace context. */
    @Bean
    WebHttpHandlerBuilderCustomizer untrustedTraceContext(ObservabilitySettings settings) {
        UntrustedTraceContext filter = new UntrustedTraceContext(settings.traceContextFrom());
        return builder -> builder.httpHandlerDecorator(filter::around);
    }
}
