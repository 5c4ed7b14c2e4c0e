package io.agentworkspace.infrastructure.observability;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

/**
 * The spans of the work behind a request: commands, appends, event handlers, run dispatch, provider streams, tool
 * calls, console publishes and deliveries (docs/operations.md). Work that leaves the thread (an event read by a
 * processor, possibly on another node; a console event announced over Redis) carries its parent as a W3C
 * {@code traceparent}, so the trace goes on where the work goes on. With tracing off
 * ({@code management.tracing.enabled=false}) every span is a no-op and no {@code traceparent} is written.
 */
@Component
public class Traces {

    /** The W3C trace context header, also the key of the event metadata and console announcements that carry it. */
    public static final String TRACEPARENT = "traceparent";

    private final Tracer tracer;
    private final Propagator propagator;

    @Autowired
    Traces(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this(tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    public Traces(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Traces that record nothing: for code built outside the application context (tests, the ops CLI). */
    public static Traces off() {
        return new Traces(Tracer.NOOP, Propagator.NOOP);
    }

    public boolean enabled() {
        return tracer != Tracer.NOOP;
    }

    /** A started span under the current one of this thread, or the root of a new trace when there is none. */
    public Span child(String name) {
        return tracer.nextSpan().name(name).start();
    }

    /** A started span under {@code parent}. */
    public Span childOf(Span parent, String name) {
        return tracer.nextSpan(parent).name(name).start();
    }

    /**
     * A started span continuing the trace {@code traceparent} names (its parent ran elsewhere: another thread, another
     * node, an earlier transaction); the root of a new trace when there is none.
     */
    public Span continuing(@Nullable String traceparent, String name, Span.Kind kind) {
        if (traceparent == null || !enabled()) {
            return tracer.nextSpan().name(name).start();
        }
        return propagator.extract(traceparent, (carrier, key) -> TRACEPARENT.equals(key) ? carrier : null)
                .name(name).kind(kind).start();
    }

    /** Makes {@code span} the current one of this thread until the scope is closed. */
    public Tracer.SpanInScope scope(@Nullable Span span) {
        return tracer.withSpan(span);
    }

    /**
     * How another thread or node names {@code span} as its parent; null when tracing is off. A span sampled out has
     * one too (flags {@code 00}): its followers stay in its trace, unrecorded, and log lines still share its id.
     */
    @Nullable
    public String traceparent(@Nullable Span span) {
        if (span == null || !enabled() || span.context() == null) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>(2);
        propagator.inject(span.context(), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    @Nullable
    public Span current() {
        return tracer.currentSpan();
    }

    /** The current span's trace id, for answers and reports that should point at the trace; null without one. */
    @Nullable
    public static String currentTraceId() {
        io.opentelemetry.api.trace.SpanContext context = io.opentelemetry.api.trace.Span.current().getSpanContext();
        return context.isValid() ? context.getTraceId() : null;
    }

    /** The current span's id; null without one. */
    @Nullable
    public static String currentSpanId() {
        io.opentelemetry.api.trace.SpanContext context = io.opentelemetry.api.trace.Span.current().getSpanContext();
        return context.isValid() ? context.getSpanId() : null;
    }

    /** The trace id a {@code traceparent} names; null when it names none. */
    @Nullable
    public static String traceIdOf(@Nullable String traceparent) {
        return traceparent != null && traceparent.length() >= 35 ? traceparent.substring(3, 35) : null;
    }
}
