package io.agentworkspace.run.provider;

import java.nio.file.Path;

import org.springframework.lang.Nullable;

import io.agentworkspace.run.tool.ToolExecutor;

/**
 * One agent run as a provider sees it: the workspace it works in, the model, the prompt, the key (null for
 * providers that need none), the output tokens a turn may use at most, and the run's tools.
 */
public record AgentRequest(String runId, Path workspace, String model, String prompt, @Nullable ProviderKey key,
                           long maxOutputTokens, ToolExecutor tools) {
}
