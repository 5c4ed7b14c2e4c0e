package io.agentworkspace.run;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.netty.channel.ChannelOption;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import io.agentworkspace.infrastructure.BlockingWork;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.run.provider.AgentEgress;
import io.agentworkspace.run.provider.AgentProvider;
import io.agentworkspace.run.provider.AgentSandbox;
import io.agentworkspace.run.provider.AnthropicProvider;
import io.agentworkspace.run.provider.ClaudeCodeProvider;
import io.agentworkspace.run.provider.OpenAiProvider;
import io.agentworkspace.run.provider.ProviderRetry;
import io.agentworkspace.run.provider.ScriptProvider;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The providers this node offers, built from {@code agent.runs.providers.*}: {@code openai}, {@code anthropic},
 * {@code claude-code}, {@code script}. The HTTP ones share one Reactor Netty connection pool (a cancelled run
 * closes its connection, which is never reused). Keys are looked up per run by secret name, never kept here.
 */
@Component
class RunProviders implements DisposableBean {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunProviders.class);

    static final List<String> NAMES = List.of("openai", "anthropic", "claude-code", "script");
    /** Tunnels out of agent sandboxes open at once, all runs of this node together. */
    private static final int MAX_EGRESS_CONNECTIONS = 64;

    private final Map<String, AgentProvider> providers = new LinkedHashMap<>();
    private final Map<String, RunSettings.Provider> settings;
    @Nullable
    private final AgentEgress egress;

    RunProviders(RunSettings runSettings, BlockingWork blocking, DataDirectory data) {
        this.settings = runSettings.providers();
        RunSettings.Retry retrySettings = runSettings.retry();
        ProviderRetry retry = new ProviderRetry(retrySettings.maxAttempts(), retrySettings.initialBackoff(),
                retrySettings.maxBackoff());
        HttpClient http = HttpClient.create(ConnectionProvider.builder("agent-providers").maxConnections(200)
                        .pendingAcquireTimeout(Duration.ofSeconds(30)).build())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        RunSettings.Provider openai = settingsOf("openai");
        providers.put("openai", new OpenAiProvider(client(http, openai.baseUrl(), "https://api.openai.com"), retry,
                blocking.scheduler(), openai.maxToolRounds()));
        RunSettings.Provider anthropic = settingsOf("anthropic");
        providers.put("anthropic", new AnthropicProvider(client(http, anthropic.baseUrl(), "https://api.anthropic.com"),
                retry, blocking.scheduler(), anthropic.maxToolRounds(),
                anthropic.apiVersion() == null ? "2023-06-01" : anthropic.apiVersion()));
        RunSettings.Sandbox sandbox = runSettings.sandbox();
        this.egress = sandbox.mode().equals("bwrap") && !sandbox.egress().isEmpty()
                ? new AgentEgress(data.directory("runs").resolve("egress.sock"), sandbox.egress(), MAX_EGRESS_CONNECTIONS)
                : null;
        RunSettings.Provider claude = settingsOf("claude-code");
        providers.put("claude-code", new ClaudeCodeProvider(claude.executable() == null ? "claude" : claude.executable(),
                claude.allowedTools().isEmpty() ? List.of("Read", "Write", "Edit", "MultiEdit", "Glob", "Grep", "LS")
                        : claude.allowedTools(),
                claude.disallowedTools().isEmpty() ? List.of("Bash", "BashOutput", "KillShell", "WebFetch", "WebSearch")
                        : claude.disallowedTools(),
                claude.maxTurns(), data.directory("runs").resolve("homes"), sandbox(sandbox, egress)));
        providers.put("script", new ScriptProvider(blocking.scheduler()));
    }

    private static AgentSandbox sandbox(RunSettings.Sandbox settings, @Nullable AgentEgress egress) {
        AgentSandbox sandbox = new AgentSandbox(settings.mode().equals("none") ? AgentSandbox.Mode.NONE : AgentSandbox.Mode.BWRAP,
                settings.bwrap(), settings.readOnlyPaths(), settings.writablePaths(), egress);
        if (sandbox.mode() == AgentSandbox.Mode.NONE) {
            log.warn("agent.runs.sandbox.mode=none: claude-code runs unconfined, with the service's file access");
        }
        sandbox.unavailable().ifPresent(reason -> log.warn("claude-code runs will fail: {}", reason));
        return sandbox;
    }

    @Override
    public void destroy() {
        if (egress != null) {
            egress.close();
        }
    }

    private RunSettings.Provider settingsOf(String name) {
        RunSettings.Provider configured = settings.get(name);
        return configured != null ? configured
                : new RunSettings.Provider(true, null, null, null, null, null, List.of(), List.of(), 50, 50);
    }

    private static WebClient client(HttpClient http, @Nullable URI baseUrl, String fallback) {
        return WebClient.builder().baseUrl(baseUrl == null ? fallback : baseUrl.toString())
                .clientConnector(new ReactorClientHttpConnector(http)).build();
    }

    boolean isKnown(String name) {
        return providers.containsKey(name);
    }

    boolean isEnabled(String name) {
        return isKnown(name) && settingsOf(name).enabled();
    }

    AgentProvider get(String name) {
        return providers.get(name);
    }

    /** The key configured for the provider, used only while its secret is not set. */
    Optional<String> configuredKey(String name) {
        return Optional.ofNullable(settingsOf(name).apiKey()).filter(key -> !key.isBlank());
    }

    /** The name of the secret that holds the provider's key. */
    Optional<String> keySecret(String name) {
        String configured = settingsOf(name).apiKeySecret();
        if (configured != null && !configured.isBlank()) {
            return Optional.of(configured);
        }
        return switch (name) {
            case "openai" -> Optional.of("openai.api-key");
            case "anthropic", "claude-code" -> Optional.of("anthropic.api-key");
            default -> Optional.empty();
        };
    }
}
