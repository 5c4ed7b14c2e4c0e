package io.agentworkspace.run;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.agentworkspace.console.ConsoleChannels;
import io.agentworkspace.console.ConsoleEventService;
import reactor.core.publisher.Mono;

/**
 * Puts what a run's agent streams on the run's console channel ({@code private-run.{runId}}), in the order it
 * arrives: {@code run.output} (text, cut to fit an event), {@code run.tool-call}, {@code run.tool-result}.
 * Publishing never blocks; {@link #flush} waits until the last one is durable, so a run's terminal event is
 * recorded after all of its output.
 */
final class RunOutput {

    private static final Logger log = LoggerFactory.getLogger(RunOutput.class);
    /** Room for the event's JSON around the text. */
    private static final int ENVELOPE = 200;
    private static final int PREVIEW_CHARS = 2000;
    private static final Duration FLUSH_LIMIT = Duration.ofMinutes(2);

    private final ConsoleEventService console;
    private final String channel;
    private final String runId;
    private final int attempt;
    private final int budget;
    private Mono<Long> last = Mono.empty();
    private boolean warned;

    RunOutput(ConsoleEventService console, String runId, int attempt) {
        this.console = console;
        this.channel = ConsoleChannels.run(runId);
        this.runId = runId;
        this.attempt = attempt;
        this.budget = Math.max(64, console.maxEventBytes() - ENVELOPE);
    }

    synchronized void text(String text) {
        for (String piece : ConsoleText.split(text, budget)) {
            publish("run.output", Map.of("attempt", attempt, "text", piece));
        }
    }

    synchronized void toolCall(String callId, String name, String arguments) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("attempt", attempt);
        payload.put("callId", callId);
        payload.put("name", name);
        payload.put("arguments", ConsoleText.fit(preview(arguments), budget / 2));
        publish("run.tool-call", payload);
    }

    synchronized void toolResult(String callId, String name, boolean ok, String output) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("attempt", attempt);
        payload.put("callId", callId);
        payload.put("name", name);
        payload.put("ok", ok);
        payload.put("output", ConsoleText.fit(preview(output), budget / 2));
        publish("run.tool-result", payload);
    }

    /**
     * Waits (blocking) until everything published so far is durable or refused: the log appends in publish order,
     * so the last publication's end is everyone's. The terminal event recorded after it then has a later id than
     * every output line. Bounded only against a log that stopped answering (its appends fail long before).
     */
    void flush() {
        Mono<Long> pending;
        synchronized (this) {
            pending = last;
        }
        try {
            pending.block(FLUSH_LIMIT);
        } catch (RuntimeException e) {
            log.warn("console output of run {} may be incomplete: {}", runId, e.getMessage());
        }
    }

    private void publish(String event, Object payload) {
        Mono<Long> published = console.publish(channel, event, payload)
                .doOnError(failure -> warnOnce(failure))
                .onErrorResume(failure -> Mono.empty())
                .cache();
        published.subscribe();
        last = published;
    }

    private void warnOnce(Throwable failure) {
        if (!warned) {
            warned = true;
            log.warn("console output of run {} dropped: {}", runId, failure.getMessage());
        }
    }

    private static String preview(String text) {
        return text.length() > PREVIEW_CHARS ? text.substring(0, PREVIEW_CHARS) + "…" : text;
    }
}
