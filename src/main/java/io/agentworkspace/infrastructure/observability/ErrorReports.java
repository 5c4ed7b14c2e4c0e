package io.agentworkspace.infrastructure.observability;

import java.util.EnumSet;
import java.util.Set;

import io.sentry.DataCategory;
import io.sentry.Hint;
import io.sentry.IScope;
import io.sentry.PropagationContext;
import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.SentryOptions;
import io.sentry.clientreport.DiscardReason;
import io.sentry.protocol.Message;
import io.sentry.protocol.SentryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

/**
 * Reports unhandled errors and failed runs to Sentry when {@code agent.observability.sentry.dsn} is set: with the
 * release, the environment and the trace they happened in, and nothing from the request (no body, no header, no
 * user), every text scrubbed of anything shaped like a credential ({@link Scrubber}). Reports leave on Sentry's own
 * thread: an unreachable Sentry or a DSN that cannot be read never fails or slows a request or a run
 * ({@link ExportFailures}).
 */
@Component
public class ErrorReports implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ErrorReports.class);
    private static final Set<DiscardReason> UNDELIVERED = EnumSet.of(DiscardReason.NETWORK_ERROR,
            DiscardReason.SEND_ERROR, DiscardReason.QUEUE_OVERFLOW, DiscardReason.CACHE_OVERFLOW,
            DiscardReason.RATELIMIT_BACKOFF);

    private final boolean enabled;

    ErrorReports(ObservabilitySettings settings, ObjectProvider<BuildProperties> build, ExportFailures failures) {
        this.enabled = start(settings.sentry(), build.getIfAvailable(), failures);
    }

    private static boolean start(ObservabilitySettings.Sentry settings, @Nullable BuildProperties build,
                                 ExportFailures failures) {
        if (!settings.enabled()) {
            return false;
        }
        SentryOptions options = new SentryOptions();
        options.setDsn(settings.dsn().strip());
        options.setEnvironment(settings.environment());
        options.setRelease(settings.release() != null && !settings.release().isBlank() ? settings.release()
                : "agent-workspace@" + (build != null ? build.getVersion() : "unknown"));
        options.setSendDefaultPii(false);
        options.setAttachServerName(false);
        options.setEnableUncaughtExceptionHandler(false);
        options.setEnableExternalConfiguration(false);
        options.setMaxBreadcrumbs(0);
        options.setBeforeSend(ErrorReports::scrubbed);
        options.setOnDiscard((reason, category, count) -> {
            if (UNDELIVERED.contains(reason) && category == DataCategory.Error) {
                failures.failed("sentry", "unreachable", count + " report(s) not delivered (" + reason.getReason() + ")");
            }
        });
        try {
            Sentry.init(options);
            log.info("errors are reported to Sentry (environment {}, release {})", options.getEnvironment(),
                    options.getRelease());
            return true;
        } catch (RuntimeException malformed) {
            // the exception may quote the DSN, whose key is a credential: only its kind is logged
            failures.failed("sentry", "configuration", "agent.observability.sentry.dsn cannot be used ("
                    + malformed.getClass().getSimpleName() + "); errors are not reported");
            Sentry.close();
            return false;
        }
    }

    /** A 500 answered with {@code errorId}. Called from the problem vocabulary, which has no instance to call. */
    public static void unhandled(Throwable failure, String errorId) {
        if (Sentry.isEnabled()) {
            Sentry.captureException(failure, scope -> {
                inCurrentTrace(scope);
                scope.setTag("error_id", errorId);
            });
        }
    }

    /** A run that ended failed: one report per failed attempt, grouped by queue. */
    public void runFailed(String runId, String projectId, int attempt, String queue, String reason) {
        if (!enabled || !Sentry.isEnabled()) {
            return;
        }
        SentryEvent event = new SentryEvent();
        event.setLevel(SentryLevel.ERROR);
        Message message = new Message();
        message.setFormatted("run failed: " + reason);
        event.setMessage(message);
        event.setFingerprints(java.util.List.of("run-failed", queue));
        Sentry.captureEvent(event, scope -> {
            inCurrentTrace(scope);
            scope.setTag("run_id", runId);
            scope.setTag("project_id", projectId);
            scope.setTag("attempt", Integer.toString(attempt));
            scope.setTag("queue", queue);
        });
    }

    private static void inCurrentTrace(IScope scope) {
        String traceId = Traces.currentTraceId();
        String spanId = Traces.currentSpanId();
        if (traceId != null && spanId != null) {
            scope.setPropagationContext(PropagationContext.fromExistingTrace(traceId, spanId, null, null));
            scope.setTag("trace_id", traceId);
        }
    }

    /** What leaves the process: no request, user or breadcrumbs; messages and exception texts scrubbed. */
    static SentryEvent scrubbed(SentryEvent event, Hint hint) {
        event.setRequest(null);
        event.setUser(null);
        event.setBreadcrumbs(null);
        event.setExtras(null);
        event.setServerName(null);
        if (event.getMessage() != null) {
            Message message = event.getMessage();
            message.setFormatted(Scrubber.scrub(message.getFormatted()));
            message.setMessage(Scrubber.scrub(message.getMessage()));
            message.setParams(null);
        }
        if (event.getExceptions() != null) {
            for (SentryException exception : event.getExceptions()) {
                exception.setValue(Scrubber.scrub(exception.getValue()));
            }
        }
        event.setThrowable(null);
        return event;
    }

    @Override
    public void destroy() {
        if (enabled) {
            Sentry.flush(2000);
            Sentry.close();
        }
    }
}
