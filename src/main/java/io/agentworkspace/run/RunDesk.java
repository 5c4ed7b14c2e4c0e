package io.agentworkspace.run;

import java.time.Clock;
import java.util.UUID;
import java.util.regex.Pattern;

import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.Ids;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.project.Projects;
import reactor.core.publisher.Mono;

/**
 * What clients may do with runs: start, cancel, retry. Checks what the aggregate cannot see (the project, the
 * queue, the provider, the limits against this installation's bounds) before the command, so a refusal writes
 * nothing; a cancel of a run on this node reaches its stream at once.
 */
@Component
public class RunDesk {

    /** A start request, after the web layer parsed it; null limits and policy take the queue's defaults. */
    public record Start(String projectId, String queue, String provider, String model, String prompt,
                        @Nullable Long timeoutSeconds, @Nullable Long maxTokens, @Nullable Double maxCostUsd,
                        @Nullable String onInterrupt) {
    }

    public record Accepted(String id, String state, String channel) {
    }

    /** The queues, in the order the queue view lists them. */
    public static final java.util.List<String> QUEUES = RunSettings.QUEUE_NAMES;

    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,99}");

    private final Commands commands;
    private final Projects projects;
    private final RunProviders providers;
    private final RunSettings settings;
    private final RunDispatcher dispatcher;
    private final Clock clock;

    RunDesk(Commands commands, Projects projects, RunProviders providers, RunSettings settings, RunDispatcher dispatcher,
            Clock clock) {
        this.commands = commands;
        this.projects = projects;
        this.providers = providers;
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    public Mono<Accepted> start(Start request, String caller) {
        QueueRun command;
        try {
            command = command(request, caller);
        } catch (RejectedCommand refused) {
            return Mono.error(refused);
        }
        return projects.byId(command.projectId())
                .switchIfEmpty(Mono.error(() -> RejectedCommand.invalid("unknown-project", "projectId",
                        "No project " + command.projectId() + ".")))
                .flatMap(project -> "ready".equals(project.workspace().status()) ? commands.send(command)
                        : Mono.error(RejectedCommand.conflict("workspace-not-ready", "The workspace of project "
                        + command.projectId() + " is " + project.workspace().status() + ", not ready.")))
                .thenReturn(new Accepted(command.runId(), RunState.QUEUED.wireName(),
                        io.agentworkspace.console.ConsoleChannels.run(command.runId())));
    }

    public Mono<Accepted> cancel(String runId, String caller) {
        requireRunId(runId);
        return commands.<RunState>send(new CancelRun(runId, caller, clock.instant()))
                .onErrorMap(AggregateNotFoundException.class, this::notFound)
                .map(state -> {
                    if (state.isActive()) {
                        dispatcher.stopLocal(runId, RunExecution.Stop.CANCELLED);
                    }
                    return new Accepted(runId, state.isActive() ? "cancelling" : state.wireName(),
                            io.agentworkspace.console.ConsoleChannels.run(runId));
                });
    }

    public Mono<Accepted> retry(String runId, String caller) {
        requireRunId(runId);
        String newRunId = UUID.randomUUID().toString();
        return commands.<String>send(new RetryRun(runId, newRunId, caller, clock.instant()))
                .onErrorMap(AggregateNotFoundException.class, this::notFound)
                .map(id -> new Accepted(id, RunState.QUEUED.wireName(), io.agentworkspace.console.ConsoleChannels.run(id)));
    }

    private RejectedCommand notFound(Throwable missing) {
        return RejectedCommand.notFound("run-not-found", "No such run.");
    }

    public static void requireRunId(String runId) {
        if (!Ids.isUuid(runId)) {
            throw RejectedCommand.invalid("invalid-run-id", "id", "id must be a UUID");
        }
    }

    private QueueRun command(Start request, String caller) {
        if (!Ids.isUuid(request.projectId())) {
            throw RejectedCommand.invalid("invalid-project-id", "projectId", "projectId must be a UUID");
        }
        if (!RunSettings.QUEUE_NAMES.contains(request.queue())) {
            throw RejectedCommand.invalid("unknown-queue", "queue", "queue must be one of " + RunSettings.QUEUE_NAMES);
        }
        if (!providers.isKnown(request.provider())) {
            throw RejectedCommand.invalid("unknown-provider", "provider", "provider must be one of " + RunProviders.NAMES);
        }
        if (!providers.isEnabled(request.provider())) {
            throw RejectedCommand.invalid("provider-disabled", "provider",
                    "provider " + request.provider() + " is not enabled on this server");
        }
        if (!MODEL.matcher(request.model()).matches()) {
            throw RejectedCommand.invalid("validation-failed", "model",
                    "model must be 1-100 characters of letters, digits and . _ : / @ -");
        }
        if (request.prompt().isBlank()) {
            throw RejectedCommand.invalid("validation-failed", "prompt", "prompt must not be blank");
        }
        if (request.prompt().length() > settings.maxPromptChars()) {
            throw RejectedCommand.invalid("validation-failed", "prompt",
                    "prompt must not be longer than " + settings.maxPromptChars() + " characters");
        }
        RunSettings.Queue queue = settings.queue(request.queue());
        long timeout = request.timeoutSeconds() == null ? queue.defaultTimeout().toSeconds() : request.timeoutSeconds();
        if (timeout < 1 || timeout > settings.maxTimeout().toSeconds()) {
            throw RejectedCommand.invalid("validation-failed", "limits.timeoutSeconds",
                    "timeoutSeconds must be between 1 and " + settings.maxTimeout().toSeconds());
        }
        long maxTokens = request.maxTokens() == null ? settings.defaultMaxTokens() : request.maxTokens();
        if (maxTokens < 1 || maxTokens > settings.maxTokensLimit()) {
            throw RejectedCommand.invalid("validation-failed", "limits.maxTokens",
                    "maxTokens must be between 1 and " + settings.maxTokensLimit());
        }
        double maxCost = request.maxCostUsd() == null ? settings.defaultMaxCostUsd() : request.maxCostUsd();
        if (!(maxCost > 0) || maxCost > settings.maxCostLimitUsd()) {
            throw RejectedCommand.invalid("validation-failed", "limits.maxCostUsd",
                    "maxCostUsd must be above 0 and at most " + settings.maxCostLimitUsd());
        }
        String onInterrupt = request.onInterrupt() == null ? queue.onInterrupt() : request.onInterrupt();
        if (!onInterrupt.equals(Run.REQUEUE) && !onInterrupt.equals(Run.FAIL)) {
            throw RejectedCommand.invalid("validation-failed", "onInterrupt", "onInterrupt must be requeue or fail");
        }
        return new QueueRun(UUID.randomUUID().toString(), request.projectId(), request.queue(), request.provider(),
                request.model(), request.prompt(), new RunLimits(timeout, maxTokens, maxCost), onInterrupt, null,
                caller, clock.instant());
    }
}
