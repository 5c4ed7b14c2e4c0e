package io.agentworkspace.infrastructure.observability;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.lang.Nullable;

/**
 * Error tracking (docs/operations.md). Traces and JSON logs use Spring Boot's own settings
 * ({@code management.tracing.*}, {@code management.otlp.tracing.endpoint}, {@code logging.structured.format.*}).
 *
 * @param sentry where unhandled errors and failed runs are reported
 */
@ConfigurationProperties("agent.observability")
public record ObservabilitySettings(@DefaultValue Sentry sentry) {

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
