package io.agentworkspace.snapshot;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.lang.Nullable;
import org.springframework.util.unit.DataSize;

/**
 * @param driver            where new archives go: {@code local} or {@code s3} (the seed's AGENT_SNAPSHOT_DRIVER)
 * @param compressionLevel  gzip level of the archives, 1 (fastest) to 9 (smallest)
 * @param lockWait          how long taking or restoring a snapshot waits for the workspace lock
 * @param workerConcurrency snapshots of different projects taken at once
 * @param maxRestoreBytes   bytes a restored archive may expand to at most; a larger one is refused unrestored
 * @param maxRestoreEntries entries (files, directories, links) a restored archive may hold at most
 */
@ConfigurationProperties("agent.snapshots")
record SnapshotSettings(@DefaultValue("local") String driver,
                        @DefaultValue("1") int compressionLevel,
                        @DefaultValue("30s") Duration lockWait,
                        @DefaultValue("2") int workerConcurrency,
                        @DefaultValue("20GB") DataSize maxRestoreBytes,
                        @DefaultValue("2000000") long maxRestoreEntries,
                        @DefaultValue Local local,
                        @DefaultValue S3 s3,
                        @DefaultValue Retention retention) {

    /** @param directory where archives are kept; empty: {@code <data>/snapshots/archives} */
    record Local(@Nullable Path directory) {
    }

    /**
     * @param endpoint           an S3-compatible endpoint; empty: AWS's own for the region
     * @param pathStyleAccess    bucket in the path rather than the host name (most S3-compatible servers)
     * @param accessKeyId        with {@code secretAccessKey}: static credentials; both empty: the AWS default chain
     * @param multipartThreshold archives from this size up are uploaded in parts
     * @param partSize           size of each part
     * @param maxConcurrency     HTTP connections to S3 at once (parts upload in parallel)
     * @param timeout            one whole upload or download
     * @param backupPrefix       where {@code deploy/backup.sh} keeps its off-site copies in the same bucket
     */
    record S3(@Nullable URI endpoint, @DefaultValue("us-east-1") String region, @Nullable String bucket,
              @DefaultValue("snapshots/") String prefix, @DefaultValue("false") boolean pathStyleAccess,
              @Nullable String accessKeyId, @Nullable String secretAccessKey,
              @DefaultValue("16MB") DataSize multipartThreshold, @DefaultValue("8MB") DataSize partSize,
              @DefaultValue("4") int maxConcurrency, @DefaultValue("30m") Duration timeout,
              @DefaultValue("backups/") String backupPrefix) {

        /** The same client settings with another key prefix. */
        S3 withPrefix(String other) {
            return new S3(endpoint, region, bucket, other, pathStyleAccess, accessKeyId, secretAccessKey,
                    multipartThreshold, partSize, maxConcurrency, timeout, backupPrefix);
        }

        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix + "]";
        }
    }

    /**
     * The default policy of projects that set none; 0 disables a bound.
     *
     * @param interval how often the max-age bound is applied to every project
     */
    record Retention(@DefaultValue("0") int keepLast, @DefaultValue("0s") Duration maxAge,
                     @DefaultValue("10m") Duration interval) {

        RetentionPolicy policy() {
            return new RetentionPolicy(keepLast > 0 ? keepLast : null, maxAge.isZero() ? null : maxAge.toSeconds());
        }
    }

    WorkspaceArchive.Limits restoreLimits() {
        return new WorkspaceArchive.Limits(maxRestoreBytes.toBytes(), maxRestoreEntries);
    }

    @Override
    public String toString() {
        return "SnapshotSettings[driver=" + driver + ", s3=" + s3 + "]";
    }
}
