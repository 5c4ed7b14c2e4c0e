/**
 * Owns the workspace directories on disk and the lock that allows at most one writer per workspace.
 */
@NonNullApi
package io.agentworkspace.workspace;

import org.springframework.lang.NonNullApi;
