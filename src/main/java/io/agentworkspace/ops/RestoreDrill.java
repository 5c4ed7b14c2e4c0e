package io.agentworkspace.ops;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.agentworkspace.audit.ChainVerification;
import io.agentworkspace.audit.EventChain;
import io.agentworkspace.projection.ProcessorProgress;
import io.agentworkspace.projection.ProjectionCatalog;
import io.agentworkspace.projection.ProjectionRebuilds;
import io.agentworkspace.projection.ReadModelChecksums;
import io.agentworkspace.projection.RebuildProgress;
import io.agentworkspace.secret.SecretKeyCheck;

/**
 * The checks of a restore drill inside the service's own code, on a restored database (profiles mysql,drill): the
 * processors catch up, the chain verifies, every read model equals what the backup held (unless its processor had
 * not reached the head when the backup was taken), every rebuildable projection rebuilt from the history equals
 * the restored model, and the secrets open with the master key and with no other. One line per check on stdout,
 * {@code ok}, {@code skip} or {@code FAIL}; exit 1 on any FAIL. deploy/restore-drill.sh runs it.
 */
@Command(name = "restore-drill", mixinStandardHelpOptions = true,
        description = "Checks a restored installation (run with --spring.profiles.active=mysql,drill on the restored "
                + "database and data directory): chain, read models, rebuilds, secrets. Exit 0 when every check holds.")
final class RestoreDrill implements Callable<Integer> {

    private final OpsCommandLine.Ops ops;
    private int failures;

    @Option(names = "--catch-up-timeout", defaultValue = "PT10M",
            description = "How long the processors may take to catch up (ISO-8601). Default: ${DEFAULT-VALUE}.")
    Duration catchUpTimeout;

    @Option(names = "--rebuild-timeout", defaultValue = "PT30M",
            description = "How long each projection's rebuild may take (ISO-8601). Default: ${DEFAULT-VALUE}.")
    Duration rebuildTimeout;

    RestoreDrill(OpsCommandLine.Ops ops) {
        this.ops = ops;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!List.of(ops.application().get().getEnvironment().getActiveProfiles()).contains("drill")) {
            line("FAIL", "profile", "run the drill with --spring.profiles.active=mysql,drill: it must not act on the world");
            return OpsCommandLine.BAD_INPUT;
        }
        ReadModelChecksums.State restored = ops.bean(RestoredState.class).initial();
        line("ok", "restored", "%d events in the history; %d read models captured before any processor ran",
                restored.head() + 1, restored.readModels().size());
        catchUp(restored.head());
        verifyChain();
        ReadModelChecksums checksums = ops.bean(ReadModelChecksums.class);
        ReadModelChecksums.State now = checksums.capture();
        compareWithBackup(restored, now);
        rebuild(checksums, now);
        checkSecrets();
        ops.out().println(failures == 0 ? "service checks: all hold" : "service checks: " + failures + " failed");
        return failures == 0 ? 0 : OpsCommandLine.FAILED;
    }

    private void catchUp(long head) throws InterruptedException {
        ProcessorProgress progress = ops.bean(ProcessorProgress.class);
        long started = System.nanoTime();
        long deadline = started + catchUpTimeout.toNanos();
        Map<String, ProcessorProgress.Progress> sampled = progress.sample();
        while (!caughtUp(sampled, head) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            sampled = progress.sample();
        }
        if (caughtUp(sampled, head)) {
            line("ok", "processors", "%d processors reached event %d in %d ms", sampled.size(), head,
                    (System.nanoTime() - started) / 1_000_000);
        } else {
            sampled.values().stream().filter(p -> p.segments() == 0 || p.position() < head)
                    .forEach(p -> line("FAIL", "processor " + p.processor(), "at %d of %d after %s (errored: %s)",
                            p.position(), head, catchUpTimeout, p.errored()));
        }
    }

    private static boolean caughtUp(Map<String, ProcessorProgress.Progress> sampled, long head) {
        return sampled.values().stream().allMatch(p -> p.segments() > 0 && !p.errored() && p.position() >= head);
    }

    private void verifyChain() {
        EventChain chain = ops.bean(EventChain.class);
        long started = System.nanoTime();
        long linked = chain.catchUp();
        ChainVerification.Report report = ops.bean(ChainVerification.class).verify(List.of(), verified -> {
        });
        if (report.intact()) {
            line("ok", "chain", "intact: %d events verified (%d linked by the drill), checkpoint %d:%s, in %d ms",
                    report.verified(), linked, report.head().chainSeq(), report.head().hash(),
                    (System.nanoTime() - started) / 1_000_000);
        } else {
            ChainVerification.Break broken = report.firstBreak();
            line("FAIL", "chain", "broken at chain position %d: %s, event %s at position %s", broken.chainSeq(),
                    broken.problem(), broken.eventId(), broken.position());
        }
    }

    private void compareWithBackup(ReadModelChecksums.State restored, ReadModelChecksums.State now) {
        boolean appended = now.head() != restored.head();
        for (ReadModelChecksums.ReadModel before : restored.readModels().values()) {
            ReadModelChecksums.ReadModel after = now.readModels().get(before.projection());
            String what = "read-model " + before.projection();
            if (after.checksum().equals(before.checksum())) {
                line("ok", what, "%d rows, equal to the backup (sha256 %s)", after.rows(), abbreviate(after.checksum()));
            } else if (before.position() < restored.head()) {
                line("ok", what, "caught up %d event(s) its processor had not applied when the backup was taken; "
                        + "%d rows now", restored.head() - Math.max(before.position(), 0), after.rows());
            } else if (appended) {
                line("skip", what, "changed while the drill's own node appended %d event(s)", now.head() - restored.head());
            } else {
                line("FAIL", what, "differs from the backup (%d rows, sha256 %s; restored %d rows, sha256 %s) although "
                                + "its processor had applied every event", after.rows(), abbreviate(after.checksum()),
                        before.rows(), abbreviate(before.checksum()));
            }
        }
    }

    private void rebuild(ReadModelChecksums checksums, ReadModelChecksums.State live) throws InterruptedException {
        ProjectionRebuilds rebuilds = ops.bean(ProjectionRebuilds.class);
        for (ProjectionCatalog.Projection projection : ops.bean(ProjectionCatalog.class).all()) {
            String what = "rebuild " + projection.name();
            if (!projection.rebuildable()) {
                line("skip", what, "not rebuildable without downtime yet (compared by checksum above)");
                continue;
            }
            long started = System.nanoTime();
            RebuildProgress progress = awaitEnd(rebuilds.start(projection.name()),
                    () -> rebuilds.progress(projection.name()).orElseThrow(), rebuildTimeout, Duration.ofMillis(100));
            if (progress.running()) {
                line("FAIL", what, "still %s after %s: at event %d of %d (%d handled); raise --rebuild-timeout if the "
                        + "history is that long", progress.state(), rebuildTimeout, progress.position(), progress.head(),
                        progress.processed());
                continue;
            }
            if (!"done".equals(progress.state())) {
                line("FAIL", what, "%s: %s", progress.state(), progress.failure());
                continue;
            }
            ReadModelChecksums.ReadModel rebuilt = checksums.readModel(projection);
            ReadModelChecksums.ReadModel before = live.readModels().get(projection.name());
            if (rebuilt.checksum().equals(before.checksum())) {
                line("ok", what, "rebuilt from %d events: %d rows, equal to the restored model (sha256 %s), in %d ms",
                        progress.processed(), rebuilt.rows(), abbreviate(rebuilt.checksum()),
                        (System.nanoTime() - started) / 1_000_000);
            } else {
                line("FAIL", what, "rebuilt from %d events: %d rows, sha256 %s; the restored model has %d rows, "
                                + "sha256 %s", progress.processed(), rebuilt.rows(), abbreviate(rebuilt.checksum()),
                        before.rows(), abbreviate(before.checksum()));
            }
        }
    }

    /** Polls a rebuild until it ends or {@code timeout} has passed; what was last seen either way. */
    static RebuildProgress awaitEnd(RebuildProgress started, Supplier<RebuildProgress> poll, Duration timeout,
                                    Duration every) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RebuildProgress progress = started;
        while (progress.running() && System.nanoTime() - deadline < 0) {
            Thread.sleep(every.toMillis());
            progress = poll.get();
        }
        return progress;
    }

    private void checkSecrets() {
        SecretKeyCheck.Report report = ops.bean(SecretKeyCheck.class).check();
        boolean readable = report.openWithMasterKey() == report.secrets();
        line(readable ? "ok" : "FAIL", "secrets", "%d of %d decrypt with the master key%s", report.openWithMasterKey(),
                report.secrets(), readable ? "" : " (unreadable: " + String.join(", ", report.unreadable()) + ")");
        line(report.openWithAnotherKey() == 0 ? "ok" : "FAIL", "secrets without the key",
                "%d of %d data keys open with another key", report.openWithAnotherKey(), report.secrets());
    }

    private void line(String status, String check, String format, Object... args) {
        if ("FAIL".equals(status)) {
            failures++;
        }
        ops.out().printf("%-4s %s: %s%n", status, check, String.format(format, args));
        ops.out().flush();
    }

    private static String abbreviate(String checksum) {
        return checksum.substring(0, 16);
    }
}
