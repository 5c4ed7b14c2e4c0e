package io.agentworkspace.run;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.lang.Nullable;
import org.springframework.util.unit.DataSize;

/**
 * Settings of runs ({@code agent.runs.*}); docs/configuration.md describes each.
 *
 * @param nodeId            this node's name in RunStarting; empty: generated once into {@code <data>/node-id}
 * @param dispatchEnabled   whether this process takes and runs queued runs (and recovers its own); off in the
 *                          ops command line and in a restore drill, which must never run an agent
 * @param pollInterval      how often dispatchers look for pending runs without being rung (other nodes' runs)
 * @param cancelPoll        how often a node looks for cancellations of its runs asked on other nodes
 * @param orphanCheck       how often runs of other nodes whose workspace lease is gone are interrupted
 * @param recoveryWait      at start-up, how long recovery waits for the runs read model to catch up
 * @param drain             what a stopping node (a deploy, a restart) does with the runs it is running
 * @param maxPromptChars    longest prompt accepted
 * @param maxTimeout        largest {@code timeoutSeconds} a run may ask for
 * @param maxTokensLimit    largest {@code maxTokens} a run may ask for
 * @param maxCostLimitUsd   largest {@code maxCostUsd} a run may ask for
 * @param defaultMaxTokens  budget of a run that names none
 * @param defaultMaxCostUsd budget of a run that names none
 * @param maxOutputBytes    text one run may stream at most (every provider); past it the run fails
 * @param maxToolCalls      tool calls one run may make at most (every provider); past it the run fails
 * @param sandbox           the operating-system sandbox agent subprocesses (claude-code) run in
 * @param tools             limits of the agent's tools
 * @param retry             retries of provider calls (429, 5xx, connection failures)
 * @param queues            the four queues: agents-default, agents-long, rag-index, docs
 * @param providers         openai, anthropic, claude-code, script
 * @param prices            per model: US dollars per million input and output tokens
 */
@ConfigurationProperties("agent.runs")
record RunSettings(@DefaultValue("") String nodeId,
                   @DefaultValue("true") boolean dispatchEnabled,
                   @DefaultValue("1s") Duration pollInterval,
                   @DefaultValue("500ms") Duration cancelPoll,
                   @DefaultValue("30s") Duration orphanCheck,
                   @DefaultValue("60s") Duration recoveryWait,
                   @DefaultValue Drain drain,
                   @DefaultValue("100000") int maxPromptChars,
                   @DefaultValue("24h") Duration maxTimeout,
                   @DefaultValue("10000000") long maxTokensLimit,
                   @DefaultValue("1000") double maxCostLimitUsd,
                   @DefaultValue("200000") long defaultMaxTokens,
                   @DefaultValue("5") double defaultMaxCostUsd,
                   @DefaultValue("10MB") DataSize maxOutputBytes,
                   @DefaultValue("1000") int maxToolCalls,
                   @DefaultValue Sandbox sandbox,
                   @DefaultValue Tools tools,
                   @DefaultValue Retry retry,
                   @DefaultValue Map<String, Queue> queues,
                   @DefaultValue Map<String, Provider> providers,
                   @DefaultValue Map<String, Price> prices) {

    static final List<String> QUEUE_NAMES = List.of("agents-default", "agents-long", "rag-index", "docs");

    RunSettings {
        Map<String, Queue> complete = new LinkedHashMap<>();
        for (String name : QUEUE_NAMES) {
            complete.put(name, queues.getOrDefault(name, Queue.DEFAULT));
        }
        for (String name : queues.keySet()) {
            if (!QUEUE_NAMES.contains(name)) {
                throw new IllegalArgumentException("agent.runs.queues." + name + ": the queues are " + QUEUE_NAMES);
            }
        }
        queues = java.util.Collections.unmodifiableMap(complete);
    }

    /**
     * A node that stops (SIGTERM: a deploy's drain, a restart) claims nothing more and gives its running runs
     * {@code grace} to end. Then a run whose policy on interrupt is {@code requeue} is handed back to its queue
     * (RunHandedOver, RunRequeued: another node runs it again, not counted as a failed attempt); a run whose policy
     * is {@code fail} must not run twice, so the node keeps running it to its end, for at most {@code maxWait}
     * (after that it is interrupted as in a crash, and its policy fails it).
     *
     * @param grace   how long every running run may still take to end by itself
     * @param maxWait how long the node waits at most for runs it may not hand over
     */
    record Drain(@DefaultValue("30s") Duration grace, @DefaultValue("4h") Duration maxWait) {
        Drain {
            if (grace.isNegative() || maxWait.isNegative()) {
                throw new IllegalArgumentException("agent.runs.drain.grace and max-wait must not be negative");
            }
        }
    }

    /**
     * @param concurrency    runs of this queue executed at once on this node
     * @param defaultTimeout time limit of a run that names none
     * @param onInterrupt    default policy of an interrupted run: {@code requeue} or {@code fail}
     * @param maxAttempts    a run is requeued after interruptions until it has started this many times
     */
    record Queue(int concurrency, Duration defaultTimeout, String onInterrupt, int maxAttempts) {
        static final Queue DEFAULT = new Queue(2, Duration.ofMinutes(30), "requeue", 3);

        Queue {
            if (concurrency < 1 || maxAttempts < 1 || defaultTimeout.isNegative() || defaultTimeout.isZero()) {
                throw new IllegalArgumentException("a queue needs concurrency >= 1, max-attempts >= 1, a positive timeout");
            }
            if (!onInterrupt.equals(Run.REQUEUE) && !onInterrupt.equals(Run.FAIL)) {
                throw new IllegalArgumentException("on-interrupt is requeue or fail");
            }
        }
    }

    /**
     * @param enabled         whether runs may name this provider
     * @param baseUrl         the API's base URL (openai, anthropic)
     * @param apiKeySecret    the name of the secret holding the API key (never the key itself)
     * @param apiKey          a key in configuration, used only while the secret is not set (a quick local trial)
     * @param apiVersion      anthropic-version header
     * @param executable      the claude executable (claude-code)
     * @param allowedTools    claude-code: tools the CLI may use without asking
     * @param disallowedTools claude-code: tools it must never use (a shell among them)
     * @param maxTurns        claude-code: agent turns at most
     * @param maxToolRounds   openai/anthropic: tool-call rounds at most before the run fails
     */
    record Provider(@DefaultValue("true") boolean enabled, @Nullable URI baseUrl, @Nullable String apiKeySecret,
                    @Nullable String apiKey, @Nullable String apiVersion, @Nullable String executable, @DefaultValue List<String> allowedTools,
                    @DefaultValue List<String> disallowedTools, @DefaultValue("50") int maxTurns,
                    @DefaultValue("50") int maxToolRounds) {

        @Override
        public String toString() {
            return "Provider[enabled=" + enabled + ", baseUrl=" + baseUrl + ", apiKeySecret=" + apiKeySecret + "]";
        }
    }

    /**
     * @param maxAttempts    calls made at most for one provider request (the first included)
     * @param initialBackoff wait before the first retry without Retry-After; doubles each time
     * @param maxBackoff     longest wait between attempts, Retry-After included
     */
    record Retry(@DefaultValue("4") int maxAttempts, @DefaultValue("500ms") Duration initialBackoff,
                 @DefaultValue("30s") Duration maxBackoff) {
    }

    /**
     * @param mode           {@code bwrap} (bubblewrap; a run fails where it is missing) or {@code none} (unconfined:
     *                       an explicit opt-out, docs/security.md)
     * @param bwrap          the bubblewrap executable
     * @param readOnlyPaths  further paths the sandbox shows read-only (an agent CLI installed outside /usr)
     * @param writablePaths  further paths the sandbox shows writable; every one widens what an agent can change
     * @param egress         the {@code host:port} destinations an agent may open connections to, through the
     *                       service's egress proxy; nothing else is reachable from the sandbox. A host name must
     *                       resolve to public addresses only; an IP literal is taken as given (an internal model
     *                       gateway). Empty: no network at all
     */
    record Sandbox(@DefaultValue("bwrap") String mode, @DefaultValue("/usr/bin/bwrap") Path bwrap,
                   @DefaultValue List<Path> readOnlyPaths, @DefaultValue List<Path> writablePaths,
                   @DefaultValue("api.anthropic.com:443") List<String> egress) {

        Sandbox {
            if (!mode.equals("bwrap") && !mode.equals("none")) {
                throw new IllegalArgumentException("agent.runs.sandbox.mode is bwrap or none");
            }
        }
    }

    /**
     * @param maxReadBytes   file bytes read_file returns at most
     * @param maxWriteBytes  content write_file accepts at most
     * @param maxResultChars characters of a tool result handed back to the model at most
     * @param maxSearchHits  matches search_text returns at most
     * @param protectedPaths paths (and everything under them) the write tool refuses, at any depth of the tree:
     *                       agent and editor configuration a later agent or tool would execute
     */
    record Tools(@DefaultValue("256KB") DataSize maxReadBytes, @DefaultValue("1MB") DataSize maxWriteBytes,
                 @DefaultValue("32000") int maxResultChars, @DefaultValue("200") int maxSearchHits,
                 @DefaultValue({".claude", ".mcp.json", "CLAUDE.md", ".cursor", ".vscode", ".idea", ".devcontainer",
                         ".gitmodules", ".gitattributes", ".github/workflows"}) List<String> protectedPaths) {
    }

    record Price(double inputPerMillion, double outputPerMillion) {
    }

    Queue queue(String name) {
        Queue queue = queues.get(name);
        if (queue == null) {
            throw new IllegalArgumentException("no queue " + name);
        }
        return queue;
    }
}
