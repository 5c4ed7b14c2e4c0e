/**
 * Registers projects (git repositories) and keeps each one's workspace cloned.
 */
@ApplicationModule(allowedDependencies = {"auth", "console", "infrastructure", "projection", "snapshot", "workspace"})
@NonNullApi
package io.agentworkspace.project;

import org.springframework.lang.NonNullApi;
import org.springframework.modulith.ApplicationModule;
