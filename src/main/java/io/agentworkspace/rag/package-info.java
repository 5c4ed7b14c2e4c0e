/**
 * Indexes each project's workspace into chunks with embeddings and answers exact cosine-similarity searches over
 * them, for people (HTTP) and for agents (a tool).
 */
@ApplicationModule(allowedDependencies = {"auth", "infrastructure", "project", "projection", "secret", "snapshot", "workspace"})
@NonNullApi
package io.agentworkspace.rag;

import org.springframework.lang.NonNullApi;
import org.springframework.modulith.ApplicationModule;
