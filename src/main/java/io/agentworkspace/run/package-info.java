/**
 * Runs coding agents on project workspaces: the Run lifecycle as events, four queues dispatched from the event
 * history, one writer per workspace, the providers (OpenAI, Anthropic, Claude Code, script), the agent's confined
 * tools, crash recovery and the queue view.
 */
@ApplicationModule(allowedDependencies = {"auth", "console", "infrastructure", "project", "projection", "rag", "secret", "workspace"})
@NonNullApi
package io.agentworkspace.run;

import org.springframework.lang.NonNullApi;
import org.springframework.modulith.ApplicationModule;
