/**
 * The ops command line in the service's own jar ({@code java -jar agent-workspace.jar ops <command>}): verify the
 * chain, replay the history, rebuild a projection, reindex RAG, create the first admin token.
 */
@ApplicationModule(allowedDependencies = {"audit", "auth", "infrastructure", "projection", "rag", "secret", "snapshot"})
@NonNullApi
package io.agentworkspace.ops;

import org.springframework.lang.NonNullApi;
import org.springframework.modulith.ApplicationModule;
