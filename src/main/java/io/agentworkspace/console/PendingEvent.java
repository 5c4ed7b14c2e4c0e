package io.agentworkspace.console;

import org.springframework.lang.Nullable;

import reactor.core.publisher.Sinks;

/** An event waiting for its append; {@code appended} completes with its id once it is durable. */
record PendingEvent(String channel, String event, String data, boolean dataIsJson, @Nullable String origin,
                    @Nullable String excludedSocketId, long publishedMicros, long queuedNanos, Sinks.One<Long> appended) {
}
