package io.agentworkspace.infrastructure.observability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Telemetry that could not leave the process (a collector or Sentry unreachable, a DSN that cannot be read): never
 * a failed request or run. Each failure counts in {@code agent.observability.export.failures}; the log says so once
 * when an exporter starts failing, and once when it works again, never once per batch.
 */
@Component
public class ExportFailures {

    private static final Logger log = LoggerFactory.getLogger(ExportFailures.class);

    private final MeterRegistry meters;
    private final Map<String, Boolean> failing = new ConcurrentHashMap<>();

    ExportFailures(MeterRegistry meters) {
        this.meters = meters;
    }

    /** @param exporter {@code otlp} or {@code sentry}; @param reason a short word: unreachable, configuration, ... */
    public void failed(String exporter, String reason, String detail) {
        Counter.builder("agent.observability.export.failures")
                .description("Telemetry not delivered: spans or error reports dropped, or an exporter not started")
                .tag("exporter", exporter).tag("reason", reason).register(meters).increment();
        if (failing.put(exporter, Boolean.TRUE) == null) {
            log.warn("{} telemetry is not delivered ({}): {}; requests and runs go on, further failures are only "
                    + "counted (agent.observability.export.failures)", exporter, reason, detail);
        }
    }

    public void recovered(String exporter) {
        if (failing.remove(exporter) != null) {
            log.info("{} telemetry is delivered again", exporter);
        }
    }
}
