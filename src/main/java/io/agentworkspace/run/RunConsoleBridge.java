package io.agentworkspace.run;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.springframework.stereotype.Component;

import io.agentworkspace.console.ConsoleBridge;
import io.agentworkspace.console.ConsoleChannels;
import io.agentworkspace.console.ConsoleEventService;
import io.agentworkspace.infrastructure.axon.EventJson;

/**
 * Shows every run transition live on {@code private-run.{runId}} and {@code private-project.{projectId}}; failures,
 * timeouts and interruptions also on {@code private-ops}. Payloads are the events themselves, shortened to fit a
 * console event: the prompt as a preview, the changed files as many as fit.
 */
@Component
@ProcessingGroup(RunConsoleBridge.PROCESSOR)
class RunConsoleBridge {

    static final String PROCESSOR = "console-bridge-runs";
    private static final int PROMPT_PREVIEW = 300;

    private final ConsoleBridge bridge;
    private final int maxBytes;

    RunConsoleBridge(ConsoleBridge bridge, ConsoleEventService console) {
        this.bridge = bridge;
        this.maxBytes = console.maxEventBytes();
    }

    @EventHandler
    void on(RunQueued event, @MessageIdentifier String id) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("runId", event.runId());
        payload.put("projectId", event.projectId());
        payload.put("queue", event.queue());
        payload.put("provider", event.provider());
        payload.put("model", event.model());
        payload.put("promptPreview", event.prompt().length() > PROMPT_PREVIEW
                ? event.prompt().substring(0, PROMPT_PREVIEW) + "…" : event.prompt());
        payload.put("limits", event.limits());
        payload.put("retryOf", event.retryOf());
        payload.put("queuedAt", event.queuedAt());
        both(id, event.runId(), event.projectId(), "run.queued", payload);
    }

    @EventHandler
    void on(RunStarting event, @MessageIdentifier String id) {
        both(id, event.runId(), event.projectId(), "run.starting", event);
    }

    @EventHandler
    void on(RunStarted event, @MessageIdentifier String id) {
        both(id, event.runId(), event.projectId(), "run.started", event);
    }

    @EventHandler
    void on(RunCancelRequested event, @MessageIdentifier String id) {
        both(id, event.runId(), event.projectId(), "run.cancel-requested", event);
    }

    /** A terminal event on the run's and the project's channels; the ones an operator must see also on ops. */
    @EventHandler
    void on(RunEnded event, @MessageIdentifier String id) {
        String name = "run." + event.endState().wireName().replace('_', '-');
        Map<String, Object> payload = ended(event);
        both(id, event.runId(), event.projectId(), name, payload);
        if (event instanceof RunFailed || event instanceof RunTimedOut) {
            bridge.forward(id + ":ops", ConsoleChannels.OPS, name, payload);
        }
    }

    @EventHandler
    void on(RunInterrupted event, @MessageIdentifier String id) {
        both(id, event.runId(), event.projectId(), "run.interrupted", event);
        bridge.forward(id + ":ops", ConsoleChannels.OPS, "run.interrupted", event);
    }

    @EventHandler
    void on(RunHandedOver event, @MessageIdentifier String id) {
        both(id, event.runId(), event.projectId(), "run.handed-over", event);
    }

    @EventHandler
    void on(RunRequeued event, @MessageIdentifier String id) {
        both(id, event.runId(), event.projectId(), "run.requeued", event);
    }

    private void both(String id, String runId, String projectId, String name, Object payload) {
        bridge.forward(id, ConsoleChannels.run(runId), name, payload);
        bridge.forward(id + ":project", ConsoleChannels.project(projectId), name, payload);
    }

    /** A terminal event's payload, with as many changed files as fit in one console event. */
    private Map<String, Object> ended(RunEnded event) {
        RunSummary summary = event.summary();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("runId", event.runId());
        payload.put("projectId", event.projectId());
        payload.put("queue", event.queue());
        payload.put("attempt", event.attempt());
        payload.put("summary", summary);
        payload.put("finishedAt", event.finishedAt());
        List<String> files = new ArrayList<>(summary.filesChanged());
        while (size(payload) > maxBytes - 64 && !files.isEmpty()) {
            files.subList(files.size() / 2, files.size()).clear();
            payload.put("summary", new RunSummary(summary.reason(), summary.inputTokens(), summary.outputTokens(),
                    summary.costUsd(), summary.turns(), summary.toolCalls(), files, summary.filesChangedCount(),
                    summary.durationMs()));
        }
        return payload;
    }

    private static int size(Object payload) {
        try {
            return EventJson.mapper().writeValueAsString(payload).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            return Integer.MAX_VALUE;
        }
    }
}
