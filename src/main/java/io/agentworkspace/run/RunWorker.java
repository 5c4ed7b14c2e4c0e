package io.agentworkspace.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import io.agentworkspace.console.ConsoleEventService;
import io.agentworkspace.infrastructure.FailureReasons;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.infrastructure.observability.ErrorReports;
import io.agentworkspace.infrastructure.observability.Traces;
import io.agentworkspace.run.FinishRun.Outcome;
import io.agentworkspace.run.provider.AgentEvent;
import io.agentworkspace.run.provider.AgentProvider;
import io.agentworkspace.run.provider.AgentRequest;
import io.agentworkspace.run.provider.ProviderFailure;
import io.agentworkspace.run.provider.ProviderKey;
import io.agentworkspace.rag.RagSearchTool;
import io.agentworkspace.run.tool.LeaseLost;
import io.agentworkspace.run.tool.RunTools;
import io.agentworkspace.run.tool.WorkspaceTools;
import io.agentworkspace.secret.SecretValues;
import io.agentworkspace.workspace.Workspaces;

/**
 * Runs one claimed attempt to its end on a queue thread and records how it ended: resolves the provider and its
 * key, records RunStarted, follows the agent's stream (output to the console, usage against the budgets, the time
 * limit, the lease), then records the terminal event once the output is durable. Never runs inside an Axon unit
 * of work: every outcome is a command of its own.
 */
@Component
class RunWorker {

    private static final Logger log = LoggerFactory.getLogger(RunWorker.class);
    private static final int MAX_REASON = 1000;

    private final Commands commands;
    private final EventStore eventStore;
    private final RunProviders providers;
    private final SecretValues secrets;
    private final Workspaces workspaces;
    private final ConsoleEventService console;
    private final RunPrices prices;
    private final RunSettings settings;
    private final RagSearchTool search;
    private final RunNode node;
    private final Clock clock;
    private final Traces traces;
    private final ErrorReports errors;

    RunWorker(Commands commands, EventStore eventStore, RunProviders providers, SecretValues secrets,
              Workspaces workspaces, ConsoleEventService console, RunPrices prices, RunSettings settings,
              RagSearchTool search, RunNode node, Clock clock, Traces traces, ErrorReports errors) {
        this.traces = traces;
        this.errors = errors;
        this.commands = commands;
        this.eventStore = eventStore;
        this.providers = providers;
        this.secrets = secrets;
        this.workspaces = workspaces;
        this.console = console;
        this.prices = prices;
        this.settings = settings;
        this.search = search;
        this.node = node;
        this.clock = clock;
    }

    /** What the attempt used, gathered from the stream's events. */
    private static final class Tally {
        long inputTokens;
        long outputTokens;
        double reportedCost;
        boolean costReported;
        int turns;
        int toolCalls;
        long outputBytes;
        final Set<String> touched = new LinkedHashSet<>();
        String stopReason = "";
    }

    /**
     * Runs the attempt in a span of its own (under the dispatch that claimed it), with the run and project ids on
     * every log line it writes.
     */
    void execute(RunExecution execution, ScheduledExecutorService timers) {
        Span span = traces.child("run attempt").tag("agent.run", execution.runId)
                .tag("agent.project", execution.projectId).tag("agent.attempt", Integer.toString(execution.attempt));
        try (Tracer.SpanInScope scope = traces.scope(span);
             MDC.MDCCloseable run = MDC.putCloseable("runId", execution.runId);
             MDC.MDCCloseable project = MDC.putCloseable("projectId", execution.projectId)) {
            attempt(execution, timers);
        } finally {
            span.end();
        }
    }

    private void attempt(RunExecution execution, ScheduledExecutorService timers) {
        long started = System.nanoTime();
        Tally tally = new Tally();
        RunQueued spec;
        try {
            spec = spec(execution.runId);
        } catch (RuntimeException e) {
            log.error("run {} cannot be read from the event history", execution.runId, e);
            finish(execution, Outcome.FAILED, summary("the run could not be read: " + e.getMessage(), tally, started));
            return;
        }
        execution.onInterrupt(spec.onInterrupt());
        RunOutput output = new RunOutput(console, execution.runId, execution.attempt);
        List<ScheduledFuture<?>> watches = new ArrayList<>();
        Outcome outcome;
        String reason;
        WorkspaceTools tools = null;
        Span stream = null;
        try {
            AgentProvider provider = providers.get(spec.provider());
            if (provider == null || !providers.isEnabled(spec.provider())) {
                throw new StartFailure("provider " + spec.provider() + " is not available on this node");
            }
            ProviderKey key = provider.needsKey() ? key(spec.provider()) : null;
            Path workspace = workspaces.of(spec.projectId());
            if (!Files.isDirectory(workspace)) {
                throw new StartFailure("the project has no workspace");
            }
            RunSettings.Tools limits = settings.tools();
            tools = new WorkspaceTools(workspace, execution.lease, new WorkspaceTools.Limits(limits.maxReadBytes().toBytes(),
                    limits.maxWriteBytes().toBytes(), limits.maxResultChars(), limits.maxSearchHits(), limits.protectedPaths()),
                    execution.runId);
            if (!commands.<Boolean>sendAndWait(new MarkRunStarted(execution.runId, execution.attempt, clock.instant()))) {
                log.info("run {} attempt {} was taken over before it started", execution.runId, execution.attempt);
                return;
            }
            watches.add(timers.schedule(() -> execution.stop(RunExecution.Stop.TIMED_OUT),
                    spec.limits().timeoutSeconds(), TimeUnit.SECONDS));
            watches.add(timers.scheduleWithFixedDelay(() -> checkLease(execution), 5, 5, TimeUnit.SECONDS));
            stream = traces.child("provider stream " + spec.provider()).tag("agent.provider", spec.provider())
                    .tag("agent.model", spec.model());
            Span parent = stream;
            AgentRequest request = new AgentRequest(execution.runId, workspace.toRealPath(), spec.model(), spec.prompt(),
                    key, spec.limits().maxTokens(), new TracedTools(
                            new RunTools(tools, search, spec.projectId(), limits.maxResultChars()), traces, parent));
            Path root = workspace.toRealPath();
            execution.follow(provider.run(request), event -> {
                try (Tracer.SpanInScope scope = traces.scope(parent)) {
                    onEvent(event, spec, execution, tally, output, root);
                }
            });
            execution.awaitEnd();
            RunExecution.Stop stop = execution.stopped();
            if (stop != null) {
                outcome = outcomeOf(stop);
                reason = reasonOf(stop, spec, tally);
            } else {
                outcome = Outcome.SUCCEEDED;
                reason = "completed (" + tally.stopReason + ")";
            }
        } catch (StartFailure failure) {
            outcome = Outcome.FAILED;
            reason = failure.getMessage();
        } catch (ProviderFailure failure) {
            if (stream != null) {
                stream.error(failure);
            }
            RunExecution.Stop stop = execution.stopped();
            outcome = stop != null ? outcomeOf(stop) : Outcome.FAILED;
            reason = stop != null ? reasonOf(stop, spec, tally)
                    : (failure.kind() == ProviderFailure.Kind.MAX_TOKENS ? "max-tokens: " : "")
                    + failure.getMessage();
        } catch (LeaseLost lost) {
            outcome = Outcome.FAILED;
            reason = "workspace lease lost: another writer may hold the workspace";
        } catch (Throwable unexpected) {
            log.error("run {} failed unexpectedly", execution.runId, unexpected);
            outcome = Outcome.FAILED;
            reason = "internal error (" + unexpected.getClass().getSimpleName() + "); see the server log";
        } finally {
            watches.forEach(watch -> watch.cancel(false));
            if (stream != null) {
                stream.end();
            }
        }
        output.flush();
        if (tools != null) {
            tally.touched.addAll(tools.written());
        }
        if (execution.stopped() == RunExecution.Stop.SHUTDOWN) {
            interrupt(execution, "the node shut down while the run was running");
            return;
        }
        if (execution.stopped() == RunExecution.Stop.HANDED_OVER) {
            handOver(execution);
            return;
        }
        RunSummary summary = summary(reason, tally, started, spec.model());
        finish(execution, outcome, summary);
        long stoppedAt = execution.stoppedAtNanos();
        log.info("run {} ended {} ({}){}", execution.runId, outcome, summary.reason(),
                stoppedAt == 0 ? "" : "; stream stopped " + (System.nanoTime() - stoppedAt) / 1_000_000 + " ms before it was recorded");
    }

    private void onEvent(AgentEvent event, RunQueued spec, RunExecution execution, Tally tally, RunOutput output,
                         Path workspace) {
        if (execution.stopped() != null) {
            return;
        }
        if (event instanceof AgentEvent.TextDelta delta) {
            tally.outputBytes += utf8Length(delta.text());
            if (tally.outputBytes > settings.maxOutputBytes().toBytes()) {
                execution.stop(RunExecution.Stop.MAX_OUTPUT);
                return;
            }
            output.text(delta.text());
        } else if (event instanceof AgentEvent.ToolCalled called) {
            if (++tally.toolCalls > settings.maxToolCalls()) {
                execution.stop(RunExecution.Stop.MAX_TOOL_CALLS);
                return;
            }
            output.toolCall(called.callId(), called.name(), called.arguments());
        } else if (event instanceof AgentEvent.ToolReturned returned) {
            output.toolResult(returned.callId(), returned.name(), returned.ok(), returned.output());
        } else if (event instanceof AgentEvent.Usage usage) {
            tally.inputTokens += usage.inputTokens();
            tally.outputTokens += usage.outputTokens();
            if (usage.reportedCostUsd() != null) {
                tally.costReported = true;
                tally.reportedCost += usage.reportedCostUsd();
            }
            if (tally.inputTokens + tally.outputTokens > spec.limits().maxTokens()) {
                execution.stop(RunExecution.Stop.MAX_TOKENS);
            } else if (cost(tally, spec.model()) > spec.limits().maxCostUsd()) {
                execution.stop(RunExecution.Stop.MAX_COST);
            }
        } else if (event instanceof AgentEvent.FileChanged changed) {
            relative(workspace, changed.path()).ifPresent(tally.touched::add);
        } else if (event instanceof AgentEvent.TurnEnded turn) {
            tally.turns = Math.max(tally.turns, turn.turn());
        } else if (event instanceof AgentEvent.Finished finished) {
            tally.stopReason = finished.stopReason();
        }
    }

    private void checkLease(RunExecution execution) {
        try {
            execution.lease.verify().block(Duration.ofSeconds(5));
        } catch (RuntimeException lost) {
            if (execution.stop(RunExecution.Stop.LEASE_LOST)) {
                log.warn("run {} lost its workspace lease and is stopped", execution.runId);
            }
        }
    }

    /** Records an interruption of this attempt (shutdown, recovery); requeues by the run's policy. */
    void interrupt(RunExecution execution, String reason) {
        try {
            commands.sendAndWait(new InterruptRun(execution.runId, execution.attempt, reason,
                    settings.queue(execution.queue).maxAttempts(), clock.instant()));
        } catch (RuntimeException e) {
            log.warn("interruption of run {} not recorded: {}", execution.runId, e.getMessage());
        }
    }

    /** Gives the attempt back to its queue for another node: the deploy drain's grace is over. */
    private void handOver(RunExecution execution) {
        String reason = "deploy drain: node " + node.id() + " stopped and the run did not end within the "
                + settings.drain().grace().toSeconds() + " s grace; another node runs it again";
        try {
            boolean recorded = commands.<Boolean>sendAndWait(new HandOverRun(execution.runId, execution.attempt,
                    node.id(), reason, clock.instant()));
            log.info("run {} attempt {} handed over to its queue (recorded {})", execution.runId, execution.attempt,
                    recorded);
        } catch (RuntimeException e) {
            log.warn("hand-over of run {} not recorded (recovery interrupts it): {}", execution.runId, e.getMessage());
        }
    }

    private void finish(RunExecution execution, Outcome outcome, RunSummary summary) {
        if (outcome == Outcome.FAILED) {
            errors.runFailed(execution.runId, execution.projectId, execution.attempt, execution.queue, summary.reason());
        }
        try {
            if (!commands.<Boolean>sendAndWait(new FinishRun(execution.runId, execution.attempt, outcome, summary,
                    clock.instant()))) {
                log.info("outcome {} of run {} attempt {} came too late: the attempt had already ended", outcome,
                        execution.runId, execution.attempt);
            }
        } catch (RuntimeException e) {
            log.error("outcome of run {} not recorded", execution.runId, e);
        }
    }

    /**
     * The secret store first, looked up for every run so a rotation takes effect at the next run; the configured
     * key only while the secret is not set. Never from the request, never logged.
     */
    private ProviderKey key(String provider) {
        Optional<String> secret = providers.keySecret(provider);
        if (secret.isPresent()) {
            try {
                return new ProviderKey(secrets.revealNow(secret.get()));
            } catch (RejectedCommand missing) {
                return providers.configuredKey(provider).map(ProviderKey::new).orElseThrow(() -> new StartFailure(
                        "the secret " + secret.get() + " that holds the key of " + provider + " is not set"));
            }
        }
        return providers.configuredKey(provider).map(ProviderKey::new)
                .orElseThrow(() -> new StartFailure("no key is configured for " + provider));
    }

    private RunQueued spec(String runId) {
        return eventStore.readEvents(runId).asStream()
                .map(event -> event.getPayload())
                .filter(RunQueued.class::isInstance).map(RunQueued.class::cast)
                .findFirst().orElseThrow(() -> new IllegalStateException("no RunQueued for " + runId));
    }

    private double cost(Tally tally, String model) {
        return tally.costReported ? tally.reportedCost : prices.cost(model, tally.inputTokens, tally.outputTokens);
    }

    private RunSummary summary(String reason, Tally tally, long started) {
        return summary(reason, tally, started, "");
    }

    private RunSummary summary(String reason, Tally tally, long started, String model) {
        List<String> files = new ArrayList<>(tally.touched);
        return new RunSummary(truncate(reason), tally.inputTokens, tally.outputTokens,
                Math.round(cost(tally, model) * 1_000_000d) / 1_000_000d, tally.turns, tally.toolCalls, files,
                files.size(), (System.nanoTime() - started) / 1_000_000);
    }

    private static Outcome outcomeOf(RunExecution.Stop stop) {
        return switch (stop) {
            case CANCELLED -> Outcome.CANCELLED;
            case TIMED_OUT -> Outcome.TIMED_OUT;
            default -> Outcome.FAILED;
        };
    }

    private String reasonOf(RunExecution.Stop stop, RunQueued spec, Tally tally) {
        return switch (stop) {
            case CANCELLED -> "cancelled by request";
            case TIMED_OUT -> "timed out after " + spec.limits().timeoutSeconds() + " s";
            case LEASE_LOST -> "workspace lease lost: another writer may hold the workspace";
            case MAX_TOKENS -> "max-tokens: used " + (tally.inputTokens + tally.outputTokens) + " of "
                    + spec.limits().maxTokens() + " tokens";
            case MAX_COST -> String.format(java.util.Locale.ROOT, "max-cost: spent $%.4f of $%.4f",
                    cost(tally, spec.model()), spec.limits().maxCostUsd());
            case MAX_OUTPUT -> "max-output: the agent streamed more than " + settings.maxOutputBytes().toBytes()
                    + " bytes of output (agent.runs.max-output-bytes)";
            case MAX_TOOL_CALLS -> "max-tool-calls: the agent made more than " + settings.maxToolCalls()
                    + " tool calls (agent.runs.max-tool-calls)";
            case SHUTDOWN -> "the node shut down";
            case HANDED_OVER -> "handed over by a draining node";
        };
    }

    /** A path the agent reported, relative to the workspace, when it lies inside it. */
    static Optional<String> relative(Path workspace, String reported) {
        try {
            Path path = Path.of(reported);
            Path absolute = path.isAbsolute() ? path.normalize() : workspace.resolve(path).normalize();
            return absolute.startsWith(workspace) && !absolute.equals(workspace)
                    ? Optional.of(workspace.relativize(absolute).toString()) : Optional.empty();
        } catch (RuntimeException invalid) {
            return Optional.empty();
        }
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    private static String truncate(String reason) {
        return FailureReasons.clean(reason, MAX_REASON);
    }

    /** The run could not start: no provider, no key, no workspace. */
    private static final class StartFailure extends RuntimeException {
        StartFailure(String message) {
            super(message, null, false, false);
        }
    }
}
