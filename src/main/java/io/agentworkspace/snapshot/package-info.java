/**
 * Takes, lists, restores and deletes snapshots of workspaces: tar.gz archives kept by a local or an S3 driver,
 * checked by SHA-256 before a restore, pruned by a retention policy.
 */
@ApplicationModule(allowedDependencies = {"auth", "console", "infrastructure", "projection", "workspace"})
@NonNullApi
package io.agentworkspace.snapshot;

import org.springframework.lang.NonNullApi;
import org.springframework.modulith.ApplicationModule;
