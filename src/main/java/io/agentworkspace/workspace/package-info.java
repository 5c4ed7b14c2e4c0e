/**
 * Owns the workspace directories on disk and the lock that allows at most one writer per workspace.
 */
@ApplicationModule(allowedDependencies = {"infrastructure"})
@NonNullApi
package io.agentworkspace.workspace;

import org.springframework.lang.NonNullApi;
import org.springframework.modulith.ApplicationModule;
