package io.agentworkspace.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.agentworkspace.audit.ChainVerification;
import io.agentworkspace.audit.EventChain;
import io.agentworkspace.audit.EventLog;
import io.agentworkspace.audit.EventQuery;
import io.agentworkspace.auth.Ability;
import io.agentworkspace.auth.BrowserSessions;
import io.agentworkspace.auth.Preset;
import io.agentworkspace.auth.TokenIssuance;
import io.agentworkspace.infrastructure.InstallationSettings;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.axon.EventJson;
import io.agentworkspace.projection.ProjectionRebuilds;
import io.agentworkspace.projection.RebuildProgress;
import io.agentworkspace.rag.IndexCounts;
import io.agentworkspace.rag.IndexProgress;
import io.agentworkspace.rag.IndexRunView;
import io.agentworkspace.rag.RagIndexing;

/** The ops commands. picocli parses and documents them ({@code ops --help}, {@code ops <command> --help}). */
final class Commands {

    private Commands() {
    }

    @Command(name = "ops", mixinStandardHelpOptions = true,
            description = "Operations on an Agent Workspace installation, with the service's own configuration.",
            subcommands = {VerifyChain.class, Replay.class, Rebuild.class, Reindex.class, CreateAdminToken.class,
                    SignInLink.class, RestoreDrill.class, BackupUpload.class})
    static final class Root implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return OpsCommandLine.BAD_INPUT;
        }
    }

    @Command(name = "verify-chain", mixinStandardHelpOptions = true,
            description = "Chains what is not chained yet, then verifies the whole chain and names the first broken link. "
                    + "Exit 0 when intact, 1 when broken.")
    static final class VerifyChain implements Callable<Integer> {
        private final OpsCommandLine.Ops ops;

        @Option(names = "--checkpoint", paramLabel = "SEQ:HASH",
                description = "A checkpoint you kept (as this command prints it); the chain must match it. Repeatable.")
        List<String> checkpoints = new ArrayList<>();

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        VerifyChain(OpsCommandLine.Ops ops) {
            this.ops = ops;
        }

        @Override
        public Integer call() throws Exception {
            List<ChainVerification.Checkpoint> kept = checkpoints.stream().map(ChainVerification.Checkpoint::parse).toList();
            EventChain chain = ops.bean(EventChain.class);
            chain.catchUp();
            long total = chain.head().chainSeq();
            ProgressBar bar = new ProgressBar(ops.err(), "verifying");
            ChainVerification.Report report = ops.bean(ChainVerification.class)
                    .verify(kept, verified -> bar.update(verified, total, ""));
            bar.finish();
            if (json) {
                ops.out().println(EventJson.mapper().writeValueAsString(report));
            } else if (report.intact()) {
                ops.out().printf("intact: %d events verified, %d not chained yet%n", report.verified(), report.pending());
                ops.out().printf("checkpoint: %d:%s%n", report.head().chainSeq(), report.head().hash());
            } else {
                ChainVerification.Break broken = report.firstBreak();
                ops.out().printf("BROKEN at chain position %d: %s, event %s at position %s: %s%n", broken.chainSeq(),
                        broken.problem(), broken.eventId(), broken.position(), broken.detail());
            }
            return report.intact() ? 0 : OpsCommandLine.FAILED;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Prints the events after a position as NDJSON, in order; with --follow, then the live ones.")
    static final class Replay implements Callable<Integer> {
        private final OpsCommandLine.Ops ops;

        @Option(names = "--after", defaultValue = "0", description = "Position to start after (exclusive). Default: ${DEFAULT-VALUE}.")
        String after;
        @Option(names = "--follow", description = "Keep following new events until interrupted.")
        boolean follow;
        @Option(names = "--aggregate", description = "Only the events of this aggregate id.")
        String aggregate;
        @Option(names = "--type", description = "Only events of this type (simple or full class name).")
        String type;
        @Option(names = "--from", description = "Only events at or after this instant (ISO-8601).")
        String from;
        @Option(names = "--to", description = "Only events before this instant (ISO-8601).")
        String to;
        @Option(names = "--count", description = "Stop after this many events.")
        Long count;

        Replay(OpsCommandLine.Ops ops) {
            this.ops = ops;
        }

        @Override
        public Integer call() {
            EventQuery query = EventQuery.parse(after, aggregate, type, from, to, null);
            if (count != null && count < 1) {
                throw RejectedCommand.invalid("invalid-count", "count", "--count must be at least 1");
            }
            var events = ops.bean(EventLog.class).stream(query, follow);
            if (count != null) {
                events = events.take(count);
            }
            events.doOnNext(event -> {
                try {
                    ops.out().println(EventJson.mapper().writeValueAsString(event));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }).blockLast();
            ops.out().flush();
            return 0;
        }
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = "Rebuilds a projection without downtime in this process (its live processor must run here: "
                    + "with the service running, use POST /api/projections/{name}/rebuild instead).")
    static final class Rebuild implements Callable<Integer> {
        private final OpsCommandLine.Ops ops;

        @Parameters(paramLabel = "PROJECTION", description = "The projection's name, as GET /api/projections lists it.")
        String name;

        Rebuild(OpsCommandLine.Ops ops) {
            this.ops = ops;
        }

        @Override
        public Integer call() throws InterruptedException {
            ProjectionRebuilds rebuilds = ops.bean(ProjectionRebuilds.class);
            RebuildProgress progress = rebuilds.start(name);
            ProgressBar bar = new ProgressBar(ops.err(), "rebuilding " + name);
            while (progress.running()) {
                bar.update(Math.max(0, progress.position()), progress.head(), progress.state());
                Thread.sleep(200);
                progress = rebuilds.progress(name).orElseThrow();
            }
            bar.update(Math.max(0, progress.position()), Math.max(progress.head(), progress.position()), progress.state());
            bar.finish();
            if (!"done".equals(progress.state())) {
                ops.out().printf("rebuild of %s %s: %s%n", name, progress.state(), progress.failure());
                return OpsCommandLine.FAILED;
            }
            ops.out().printf("rebuilt %s: %d events at %.0f events/s, switched in%n", name, progress.processed(),
                    progress.ratePerSecond());
            return 0;
        }
    }

    @Command(name = "reindex", mixinStandardHelpOptions = true,
            description = "Reindexes the RAG index of one project or of every project whose workspace is ready, and "
                    + "waits for the outcome. Exit 0 when every run completed, 1 when one failed.")
    static final class Reindex implements Callable<Integer> {
        private static final String REASON = "cli";
        private static final String CALLER = "ops-cli";
        private final OpsCommandLine.Ops ops;

        static final class Which {
            @Option(names = "--project", paramLabel = "ID", description = "The project to reindex.")
            String project;
            @Option(names = "--all", description = "Every project whose workspace is ready.")
            boolean all;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        Reindex(OpsCommandLine.Ops ops) {
            this.ops = ops;
        }

        @Override
        public Integer call() {
            RagIndexing indexing = ops.bean(RagIndexing.class);
            ProgressBar bar = new ProgressBar(ops.err(), "reindexing");
            List<IndexRunView> runs = (which.project != null
                    ? indexing.reindex(which.project, REASON, CALLER, progress -> show(bar, progress)).flux()
                    : indexing.reindexAll(REASON, CALLER, progress -> show(bar, progress)))
                    .doOnNext(run -> {
                        IndexCounts counts = run.counts();
                        long files = counts == null ? 0 : counts.filesChanged() + counts.filesDeleted();
                        bar.update(files, files, run.projectId() + " " + run.status());
                        ops.err().printf("%nproject %s: %s%n", run.projectId(), run.status());
                    })
                    .collectList().block();
            bar.finish();
            for (IndexRunView run : runs) {
                if (run.counts() != null) {
                    IndexCounts counts = run.counts();
                    ops.out().printf("%s %s: %d files scanned, %d changed, %d deleted; %d chunks embedded, %d reused, "
                                    + "%d deleted, %d in the index%n", run.projectId(), run.status(), counts.filesScanned(),
                            counts.filesChanged(), counts.filesDeleted(), counts.chunksEmbedded(), counts.chunksReused(),
                            counts.chunksDeleted(), counts.chunksTotal());
                } else {
                    ops.out().printf("%s %s: %s%n", run.projectId(), run.status(), run.failure());
                }
            }
            ops.out().printf("reindexed %d project(s)%n", runs.size());
            return runs.stream().allMatch(run -> "completed".equals(run.status())) ? 0 : OpsCommandLine.FAILED;
        }

        /** Files of the running project; {@code filesToIndex} is known once its scan is over. */
        private static void show(ProgressBar bar, IndexProgress progress) {
            bar.update(progress.filesIndexed(), progress.filesToIndex(), progress.projectId() + " " + progress.phase());
        }
    }

    @Command(name = "create-admin-token", mixinStandardHelpOptions = true,
            description = "Issues a token with every ability and prints it once, to stdout. It is not stored anywhere "
                    + "in plaintext and cannot be shown again.")
    static final class CreateAdminToken implements Callable<Integer> {
        private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{1,100}");
        private final OpsCommandLine.Ops ops;

        @Option(names = "--name", required = true, description = "What the token is for, e.g. 'first admin'.")
        String name;

        CreateAdminToken(OpsCommandLine.Ops ops) {
            this.ops = ops;
        }

        @Override
        public Integer call() {
            if (!NAME.matcher(name).matches() || name.isBlank()) {
                throw RejectedCommand.invalid("invalid-token-request", "name",
                        "--name must be 1 to 100 characters without control characters");
            }
            TokenIssuance.Issued issued = ops.bean(TokenIssuance.class)
                    .issue(name.strip(), EnumSet.of(Ability.ALL), Preset.ADMIN, null, "ops-cli")
                    .block(Duration.ofSeconds(60));
            ops.out().println(issued.plaintext());
            ops.out().flush();
            ops.err().printf("Issued admin token %s (%s). It was printed once, above: store it now.%n",
                    issued.token().tokenId(), issued.token().name());
            return 0;
        }
    }

    @Command(name = "sign-in-link", mixinStandardHelpOptions = true,
            description = "Prints a one-time link that signs a browser in to the Control Center (valid for "
                    + "agent.auth.session.link-validity, 15 minutes by default). The token it holds travels in the "
                    + "address's fragment, which browsers never send to a server or proxy log.")
    static final class SignInLink implements Callable<Integer> {
        private final OpsCommandLine.Ops ops;

        @Option(names = "--preset", defaultValue = "admin",
                description = "What the session may do: admin, operator, auditor or mobile. Default: ${DEFAULT-VALUE}.")
        String preset;

        @Option(names = "--url", description = "The Control Center's address. Default: agent.public-url, else "
                + "http://127.0.0.1:<server.port>.")
        String url;

        SignInLink(OpsCommandLine.Ops ops) {
            this.ops = ops;
        }

        @Override
        public Integer call() {
            Preset chosen = Preset.ofWireName(preset).orElseThrow(() -> RejectedCommand.invalid("unknown-preset", "preset",
                    "--preset must be one of admin, operator, auditor, mobile"));
            String base = url != null ? url : ops.bean(InstallationSettings.class).publicUrl();
            if (base.isBlank()) {
                base = "http://127.0.0.1:" + ops.bean(org.springframework.core.env.Environment.class)
                        .getProperty("server.port", "8080");
            }
            TokenIssuance.Issued issued = ops.bean(BrowserSessions.class).issueLink(chosen).block(Duration.ofSeconds(60));
            ops.out().println(base.replaceAll("/+$", "") + "/sign-in#token=" + issued.plaintext());
            ops.out().flush();
            ops.err().printf("A one-time sign-in link (%s, token %s), valid until %s. Open it in a browser; it works once.%n",
                    chosen.wireName(), issued.token().tokenId(), issued.token().expiresAt());
            return 0;
        }
    }
}
