package io.agentworkspace.project;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param allowedLocalRoots local repositories may only be registered from under these directories; empty allows
 *                          none (remote URLs only); the data directory is never allowed
 * @param cloneTimeout      network timeout of a clone from a remote URL
 * @param cloneConcurrency  how many workspaces are cloned at once
 * @param lockWait          how long a clone waits for the workspace lock
 */
@ConfigurationProperties("agent.projects")
record ProjectSettings(@DefaultValue List<Path> allowedLocalRoots,
                       @DefaultValue("10m") Duration cloneTimeout,
                       @DefaultValue("2") int cloneConcurrency,
                       @DefaultValue("60s") Duration lockWait) {
}
