package io.agentworkspace.console;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.micrometer.tracing.Span;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Service;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.axon.EventJson;
import io.agentworkspace.infrastructure.observability.Traces;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Publishes console events. {@code publish} never blocks: it queues the event at once and returns a Mono that
 * completes with the event's id when the event is durable (appended with group commit). Only then is it delivered
 * to subscribers, on every transport, in id order. Subscribing to the returned Mono is optional; the event is
 * published either way. A publish the log cannot take fails the Mono with {@link ConsoleUnavailable}.
 *
 * <pre>{@code
 * console.publish(ConsoleChannels.run(runId), "console.line", Map.of("stream", "stdout", "text", line))
 * }</pre>
 */
@Service
public class ConsoleEventService {

    private final ConsoleLogWriter writer;
    private final ConsoleSettings settings;
    private final Traces traces;

    ConsoleEventService(ConsoleLogWriter writer, ConsoleSettings settings, Traces traces) {
        this.traces = traces;
        this.writer = writer;
        this.settings = settings;
    }

    /** Publishes {@code payload} (serialized as JSON) as {@code event} on {@code channel}; completes with its id. */
    public Mono<Long> publish(String channel, String event, Object payload) {
        return submit(null, channel, event, json(payload), true, null);
    }

    /**
     * Like {@link #publish}, but a second publish with the same {@code origin} (a domain event's identifier, say)
     * is not appended again and completes with the first one's id: for bridges that may see an event twice.
     */
    public Mono<Long> publishOnce(String origin, String channel, String event, Object payload) {
        if (origin.isEmpty() || origin.length() > 200) {
            return Mono.error(new IllegalArgumentException("origin must have 1-200 characters"));
        }
        return submit(origin, channel, event, json(payload), true, null);
    }

    /**
     * Publishes data that is already text, as the Pusher HTTP API does: JSON or not, it is delivered unchanged.
     *
     * @param excludedSocketId a Pusher socket that does not receive this event live (the publisher's own), or null
     */
    public Mono<Long> publishText(String channel, String event, String data, boolean dataIsJson,
                                  @Nullable String excludedSocketId) {
        return submit(null, channel, event, data, dataIsJson, excludedSocketId);
    }

    /** A text to publish, as the Pusher HTTP API gives it. */
    public record Text(String channel, String event, String data, boolean dataIsJson,
                       @Nullable String excludedSocketId) {
    }

    /** Hears once about a {@link #publishTexts} call: every id, or why it was refused. */
    public interface Appended {

        void appended(long[] ids);

        void refused(Throwable failure);
    }

    /**
     * Publishes several texts in order, queued at once so they share group commits, and tells {@code callback}
     * once, on the log writer's thread, when all are durable (ids in the order given) or one could not be
     * appended. The callback must be quick and never block: it delays the next append. Checks every text before
     * any is queued.
     *
     * @throws RejectedCommand when a channel, name or size is wrong (nothing is queued then)
     */
    public void publishTexts(List<Text> texts, Appended callback) {
        List<PendingEvent> pending = new java.util.ArrayList<>(texts.size());
        PublishedTexts group = new PublishedTexts(texts.size(), callback);
        long micros = ConsoleClock.nowMicros();
        long nanos = System.nanoTime();
        for (Text text : texts) {
            check(text.channel(), text.event(), text.data());
        }
        for (Text text : texts) {
            Span publish = publishSpan(text.channel(), text.event());
            pending.add(new PendingEvent(text.channel(), text.event(), text.data(), text.dataIsJson(), null,
                    text.excludedSocketId(), micros, nanos, null, group, pending.size(), publish,
                    traces.traceparent(publish)));
        }
        writer.submitAll(pending, group);
    }

    /** Largest {@code data}, in UTF-8 bytes, an event may carry. */
    public int maxEventBytes() {
        return settings.maxEventBytes();
    }

    private Mono<Long> submit(@Nullable String origin, String channel, String event, String data, boolean dataIsJson,
                              @Nullable String excludedSocketId) {
        PendingEvent pending;
        try {
            pending = pending(origin, channel, event, data, dataIsJson, excludedSocketId);
        } catch (RejectedCommand refused) {
            return Mono.error(refused);
        }
        return writer.submit(pending);
    }

    /** A checked event, ready for its append. @throws RejectedCommand when the channel, name or size is wrong */
    PendingEvent pending(@Nullable String origin, String channel, String event, String data, boolean dataIsJson,
                         @Nullable String excludedSocketId) {
        check(channel, event, data);
        Span publish = publishSpan(channel, event);
        return new PendingEvent(channel, event, data, dataIsJson, origin, excludedSocketId,
                ConsoleClock.nowMicros(), System.nanoTime(), Sinks.one(), publish, traces.traceparent(publish));
    }

    /** Under the current span (the run's stream, a bridge's handler, a request), from queueing to the insert. */
    private Span publishSpan(String channel, String event) {
        return traces.enabled() ? traces.child("console publish").tag("agent.console.channel", channel)
                .tag("agent.console.event", event) : Span.NOOP;
    }

    private void check(String channel, String event, String data) {
        ConsoleChannels.requireValid(channel);
        ConsoleChannels.requireValidEvent(event);
        // a char is at most 3 UTF-8 bytes: only count the bytes of text that might be over
        if (data.length() > settings.maxEventBytes() / 3
                && (data.length() > settings.maxEventBytes()
                || data.getBytes(StandardCharsets.UTF_8).length > settings.maxEventBytes())) {
            throw RejectedCommand.invalid("event-too-large", "data",
                    "event data must not exceed " + settings.maxEventBytes() + " bytes");
        }
    }

    static String json(Object payload) {
        try {
            return EventJson.mapper().writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
