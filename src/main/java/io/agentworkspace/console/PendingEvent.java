package io.agentworkspace.console;

import io.micrometer.tracing.Span;
import org.springframework.lang.Nullable;

import reactor.core.publisher.Sinks;

/**
 * An event waiting for its append; once it is durable either {@code appended} completes with its id (through the
 * acknowledgement thread: its subscribers' continuations may be slow) or, for a publication of several texts, its
 * {@code group} is told on the writer's thread. {@code publish} is the publication's span, ended at the insert;
 * {@code traceparent} names it to the deliveries, on this node and the others.
 */
record PendingEvent(String channel, String event, String data, boolean dataIsJson, @Nullable String origin,
                    @Nullable String excludedSocketId, long publishedMicros, long queuedNanos,
                    @Nullable Sinks.One<Long> appended, @Nullable PublishedTexts group, int index,
                    Span publish, @Nullable String traceparent) {

    PendingEvent(String channel, String event, String data, boolean dataIsJson, @Nullable String origin,
                 @Nullable String excludedSocketId, long publishedMicros, long queuedNanos, Sinks.One<Long> appended,
                 Span publish, @Nullable String traceparent) {
        this(channel, event, data, dataIsJson, origin, excludedSocketId, publishedMicros, queuedNanos, appended, null, 0,
                publish, traceparent);
    }
}
