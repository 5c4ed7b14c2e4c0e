package io.agentworkspace.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * Off-site copies of the files {@code deploy/backup.sh} writes, in the snapshot driver's S3 bucket (the same
 * client and credentials as snapshot archives) under {@code agent.snapshots.s3.backup-prefix}: one folder per
 * backup, named by its timestamp, of which the newest {@code keep} stay.
 */
@Component
public class OffsiteBackups {

    /** @param stored the keys written; @param deleted the backups (timestamps) removed by retention */
    public record Uploaded(List<String> stored, List<String> deleted) {
    }

    private final SnapshotSettings settings;
    private final S3CredentialsSource credentials;

    OffsiteBackups(SnapshotSettings settings, S3CredentialsSource credentials) {
        this.settings = settings;
        this.credentials = credentials;
    }

    /** Uploads the files of backup {@code stamp}, then keeps the newest {@code keep} backups (0: keep all). Blocking. */
    public Uploaded upload(String stamp, List<Path> files, int keep) throws IOException {
        if (settings.s3().bucket() == null || settings.s3().bucket().isBlank()) {
            throw new RejectedCommand(RejectedCommand.Reason.UNAVAILABLE, "no-backup-bucket", null,
                    "No S3 bucket is configured: set agent.snapshots.s3.bucket (and its endpoint and credentials).");
        }
        if (!stamp.matches("[0-9A-Za-z_-]{1,64}")) {
            throw RejectedCommand.invalid("invalid-backup-stamp", "stamp", "a backup's stamp is letters, digits, - or _");
        }
        try (S3ArchiveStore store = new S3ArchiveStore(settings.s3().withPrefix(settings.s3().backupPrefix()), credentials)) {
            List<String> stored = new ArrayList<>();
            for (Path file : files) {
                String key = stamp + "/" + file.getFileName();
                store.store(key, file);
                stored.add(key);
            }
            List<String> deleted = new ArrayList<>();
            if (keep > 0) {
                List<String> keys = store.list();
                TreeSet<String> stamps = new TreeSet<>(Comparator.reverseOrder());
                keys.stream().filter(key -> key.contains("/")).forEach(key -> stamps.add(key.substring(0, key.indexOf('/'))));
                List<String> old = stamps.stream().skip(keep).toList();
                for (String key : keys) {
                    if (key.contains("/") && old.contains(key.substring(0, key.indexOf('/')))) {
                        store.delete(key);
                    }
                }
                deleted.addAll(old);
            }
            return new Uploaded(stored, deleted);
        }
    }
}
