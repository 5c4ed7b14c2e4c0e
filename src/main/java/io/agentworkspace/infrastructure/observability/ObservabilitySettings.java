package io.agentworkspace.infrastructure.observability;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.lang.Nullable;

/**
 * Error tracking (docs/operations.md). Traces and JSON logs use Spring Boot's own settings
 * ({@code management.tracing.*}, {@code management.otlp.tracing.endpoint}, {@code logging.structured.format.*}).
 *
 * @param sentry             where unhandled errors and failed runs are reported
 * @param traceContextFrom   CIDRs of the peers whose trace context headers ({@code traceparent}, {@code tracestate},
 *                           {@code baggage}, B3) a request may continue; from anyone else they are dropped, so a
 *                           client can neither force sampling nor choose the trace id stored with its events
 */
@ConfigurationProperties("agent.observability")
public record ObservabilitySettings(@DefaultValue Sentry sentry, @DefaultValue List<String> traceContextFrom) {

    /**
     * @param dsn         the project's DSN ({@code https://<key>@<host>/<project>}); empty: nothing is reported
     * @param environment the environment reports are filed under
     * @param release     the release reports name; empty: {@code agent-workspace@<version of the build>}
     */
    public record Sentry(@Nullable String dsn, @DefaultValue("production") String environment,
                         @Nullable String release) {

        public boolean enabled() {
            return dsn != null && !dsn.isBlank();
        }
    }
}
