package io.agentworkspace.run.provider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.agentworkspace.run.tool.ToolCall;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A local provider for demos and tests: the prompt is the script, one step per line, played through the same
 * agent loop (streamed text, tool calls through the run's tools, usage). No network, no key.
 * <pre>
 * say Hello there           streams the words as text deltas, then a line break
 * emit 20000 x              streams 20000 'x' (in deltas of at most 64 KiB, so memory stays bounded)
 * tool write_file {"path":"notes.txt","content":"hi"}
 * sleep 250                 waits (milliseconds)
 * usage 1200 300            reports input and output tokens
 * fail the reason           ends the run failed
 * # a comment
 * </pre>
 * Every step is bounded: {@code emit} at most {@value #MAX_EMIT} repetitions, produced lazily (the run's output cap
 * stops it early), {@code sleep} at most {@value #MAX_SLEEP_MS} ms. The provider is off by default outside the
 * embedded profile ({@code agent.runs.providers.script.enabled}): it lets a {@code runs:write} token drive the tools
 * directly.
 */
public final class ScriptProvider implements AgentProvider {

    static final long MAX_EMIT = 1_000_000_000L;
    static final long MAX_SLEEP_MS = 600_000L;
    private static final int CHUNK_CHARS = 64 * 1024;

    private final Scheduler toolScheduler;

    public ScriptProvider(Scheduler toolScheduler) {
        this.toolScheduler = toolScheduler;
    }

    @Override
    public String name() {
        return "script";
    }

    @Override
    public boolean needsKey() {
        return false;
    }

    @Override
    public Flux<AgentEvent> run(AgentRequest request) {
        AtomicInteger calls = new AtomicInteger();
        return Flux.fromArray(request.prompt().split("\n"))
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .concatMap(line -> Flux.defer(() -> step(line, request, calls))
                        .onErrorMap(RuntimeException.class, failure -> failure instanceof ProviderFailure ? failure
                                : ProviderFailure.of(ProviderFailure.Kind.REFUSED, "bad script step: " + line)))
                .concatWithValues(new AgentEvent.TurnEnded(1), new AgentEvent.Finished("end_of_script"));
    }

    private Flux<AgentEvent> step(String line, AgentRequest request, AtomicInteger calls) {
        int space = line.indexOf(' ');
        String verb = space < 0 ? line : line.substring(0, space);
        String rest = space < 0 ? "" : line.substring(space + 1).strip();
        return switch (verb) {
            case "say" -> Flux.fromIterable(words(rest + "\n")).map(AgentEvent.TextDelta::new);
            case "emit" -> {
                String[] parts = rest.split(" ", 2);
                yield emit(parts.length > 1 ? parts[1] : "x", bounded(Long.parseLong(parts[0]), MAX_EMIT, "emit"));
            }
            case "sleep" -> Mono.delay(Duration.ofMillis(bounded(Long.parseLong(rest), MAX_SLEEP_MS, "sleep")))
                    .thenMany(Flux.empty());
            case "usage" -> {
                String[] parts = rest.split(" ");
                yield Flux.just(new AgentEvent.Usage(Long.parseLong(parts[0]), Long.parseLong(parts[1]), null));
            }
            case "tool" -> {
                int split = rest.indexOf(' ');
                String name = split < 0 ? rest : rest.substring(0, split);
                String arguments = split < 0 ? "{}" : rest.substring(split + 1).strip();
                ToolCall call = new ToolCall("call_" + calls.incrementAndGet(), name, arguments);
                yield Flux.<AgentEvent>just(new AgentEvent.ToolCalled(call.callId(), name, arguments)).concatWith(
                        Mono.fromCallable(() -> request.tools().execute(call)).subscribeOn(toolScheduler)
                                .map(result -> new AgentEvent.ToolReturned(call.callId(), name, result.ok(), result.output())));
            }
            case "fail" -> Flux.error(ProviderFailure.of(ProviderFailure.Kind.STREAM_ERROR,
                    rest.isEmpty() ? "the script failed" : rest));
            default -> Flux.error(ProviderFailure.of(ProviderFailure.Kind.REFUSED, "unknown script step: " + verb));
        };
    }

    /** {@code unit} repeated {@code count} times, as deltas of at most about 64 KiB made only when requested. */
    private static Flux<AgentEvent> emit(String unit, long count) {
        long perChunk = Math.max(1, CHUNK_CHARS / Math.max(1, unit.length()));
        return Flux.<AgentEvent, Long>generate(() -> count, (left, sink) -> {
            if (left <= 0) {
                sink.complete();
                return left;
            }
            long now = Math.min(left, perChunk);
            sink.next(new AgentEvent.TextDelta(unit.repeat((int) now)));
            return left - now;
        });
    }

    private static long bounded(long value, long max, String step) {
        if (value < 0 || value > max) {
            throw ProviderFailure.of(ProviderFailure.Kind.REFUSED, step + " takes 0 to " + max);
        }
        return value;
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i - 1) == ' ') {
                if (i > start) {
                    words.add(text.substring(start, i));
                }
                start = i;
            }
        }
        return words;
    }
}
