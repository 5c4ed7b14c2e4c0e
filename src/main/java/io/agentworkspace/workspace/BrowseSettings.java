package io.agentworkspace.workspace;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param maxFileBytes   file content returned at most; a longer file comes back truncated, flagged as such
 * @param maxEntries     directory entries listed at most
 * @param maxDiffBytes   patch text returned at most for one diff
 * @param maxLogCommits  commits one log request may ask for
 * @param pullLockWait   how long a pull waits for the workspace lock
 * @param pullTimeout    network timeout of the fetch a pull makes
 */
@ConfigurationProperties("agent.workspaces.browse")
record BrowseSettings(@DefaultValue("1MB") DataSize maxFileBytes,
                      @DefaultValue("5000") int maxEntries,
                      @DefaultValue("1MB") DataSize maxDiffBytes,
                      @DefaultValue("500") int maxLogCommits,
                      @DefaultValue("10s") Duration pullLockWait,
                      @DefaultValue("2m") Duration pullTimeout) {
}
