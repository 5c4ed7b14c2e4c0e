package io.agentworkspace.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.snapshot.OffsiteBackups;

/** {@code ops backup-upload}: deploy/backup.sh's off-site copy, through the snapshot driver's S3 client. */
@Command(name = "backup-upload", mixinStandardHelpOptions = true,
        description = "Uploads the files of one backup to the S3 bucket of agent.snapshots.s3 (under its backup-prefix) "
                + "and keeps the newest --keep backups there.")
final class BackupUpload implements Callable<Integer> {

    private final OpsCommandLine.Ops ops;

    @Option(names = "--stamp", required = true, description = "The backup's timestamp: its folder in the bucket.")
    String stamp;

    @Option(names = "--keep", defaultValue = "0", description = "Backups to keep in the bucket, newest first; 0 keeps all.")
    int keep;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "The backup's files.")
    List<Path> files = new ArrayList<>();

    BackupUpload(OpsCommandLine.Ops ops) {
        this.ops = ops;
    }

    @Override
    public Integer call() throws Exception {
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw RejectedCommand.invalid("no-such-file", "file", "no such file: " + file);
            }
        }
        if (keep < 0) {
            throw RejectedCommand.invalid("invalid-keep", "keep", "--keep is 0 (all) or more");
        }
        OffsiteBackups.Uploaded uploaded = ops.bean(OffsiteBackups.class).upload(stamp, files, keep);
        uploaded.stored().forEach(key -> ops.out().println("uploaded " + key));
        uploaded.deleted().forEach(old -> ops.out().println("deleted " + old));
        return 0;
    }
}
