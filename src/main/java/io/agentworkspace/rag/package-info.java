/**
 * Indexes each project's workspace into chunks with embeddings and answers exact cosine-similarity searches over
 * them, for people (HTTP) and for agents (a tool).
 */
@NonNullApi
package io.agentworkspace.rag;

import org.springframework.lang.NonNullApi;
