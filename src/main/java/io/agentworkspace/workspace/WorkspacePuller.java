package io.agentworkspace.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.MergeCommand;
import org.eclipse.jgit.api.MergeResult;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.BranchConfig;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RemoteConfig;
import org.eclipse.jgit.transport.URIish;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.BlockingWork;
import io.agentworkspace.infrastructure.FailureReasons;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import reactor.core.publisher.Mono;

/**
 * Pulls a workspace from its origin: under the workspace lock, a JGit fetch, then a fast-forward of the current
 * branch to its upstream; never a merge commit, never over local changes in the way. The outcome, success or
 * refusal, is recorded as an event.
 */
@Component
public class WorkspacePuller {

    private static final Logger log = LoggerFactory.getLogger(WorkspacePuller.class);

    private final Workspaces workspaces;
    private final WorkspaceLocks locks;
    private final BlockingWork blocking;
    private final Commands commands;
    private final BrowseSettings settings;
    private final Clock clock;
    private final RemoteAddresses remotes;
    private final Path dataRoot;

    WorkspacePuller(Workspaces workspaces, WorkspaceLocks locks, BlockingWork blocking, Commands commands,
                    BrowseSettings settings, Clock clock, RemoteAddresses remotes, DataDirectory data) {
        this.remotes = remotes;
        this.dataRoot = realOrSelf(data.root());
        this.workspaces = workspaces;
        this.locks = locks;
        this.blocking = blocking;
        this.commands = commands;
        this.settings = settings;
        this.clock = clock;
    }

    public Mono<PullResult> pull(String projectId) {
        String pullId = UUID.randomUUID().toString();
        return blocking.call(() -> workspaces.existing(projectId))
                .flatMap(workspace -> Mono.usingWhen(locks.acquire(projectId, settings.pullLockWait()),
                                lease -> blocking.call(() -> pullUnder(lease, workspace, pullId)),
                                WorkspaceLease::release)
                        .onErrorResume(RejectedCommand.class, refused -> recordFailure(pullId, projectId, refused)));
    }

    private PullResult pullUnder(WorkspaceLease lease, Path workspace, String pullId) throws IOException, GitAPIException {
        try (Git git = WorkspaceGit.open(workspace)) {
            Repository repository = git.getRepository();
            if (!repository.getRemoteNames().contains(Constants.DEFAULT_REMOTE_NAME)) {
                throw RejectedCommand.conflict("no-origin", "The workspace has no origin remote to pull from.");
            }
            String fullBranch = repository.getFullBranch();
            if (fullBranch == null || !fullBranch.startsWith(Constants.R_HEADS)) {
                throw RejectedCommand.conflict("detached-head", "The workspace is on no branch (detached HEAD).");
            }
            String branch = repository.getBranch();
            String before = SafeGit.head(repository);
            checkOrigin(repository, lease.projectId());
            try {
                remotes.guard(() -> git.fetch().setRemote(Constants.DEFAULT_REMOTE_NAME)
                        .setTimeout((int) settings.pullTimeout().toSeconds()).call());
            } catch (TransportException | org.eclipse.jgit.api.errors.InvalidRemoteException e) {
                // the details only in the log: a pull's answer must not tell what the server's network holds
                log.warn("workspace of project {} could not be fetched: {}", lease.projectId(), reasonOf(e));
                throw originUnreachable();
            } catch (IOException | GitAPIException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            String tracking = new BranchConfig(repository.getConfig(), branch).getRemoteTrackingBranch();
            ObjectId upstream = repository.resolve(tracking != null ? tracking
                    : Constants.R_REMOTES + Constants.DEFAULT_REMOTE_NAME + "/" + branch);
            if (upstream == null) {
                throw RejectedCommand.conflict("no-upstream", "Branch " + branch + " has no upstream on origin.");
            }
            lease.verify().block();
            MergeResult merge;
            try {
                merge = git.merge().include(upstream).setFastForward(MergeCommand.FastForwardMode.FF_ONLY)
                        .setCommit(true).call();
            } catch (org.eclipse.jgit.api.errors.CheckoutConflictException e) {
                throw RejectedCommand.conflict("pull-blocked-by-local-changes",
                        "Local changes in the workspace would be overwritten by the pull: "
                                + String.join(", ", e.getConflictingPaths().stream().limit(20).toList()));
            }
            String after = SafeGit.head(repository);
            switch (merge.getMergeStatus()) {
                case FAST_FORWARD, ALREADY_UP_TO_DATE -> {
                }
                case ABORTED -> throw RejectedCommand.conflict("pull-not-fast-forward",
                        "Branch " + branch + " has diverged from origin; only fast-forward pulls are made.");
                default -> throw RejectedCommand.conflict("pull-blocked-by-local-changes",
                        "Local changes in the workspace would be overwritten by the pull: "
                                + (merge.getFailingPaths() == null ? "" : String.join(", ",
                                merge.getFailingPaths().keySet().stream().limit(20).toList())));
            }
            WorkspacePulled pulled = new WorkspacePulled(pullId, lease.projectId(), branch,
                    before, after, !after.equals(before), lease.fencingToken(),
                    clock.instant());
            commands.sendAndWait(new RecordWorkspacePull(pullId, pulled, null));
            log.info("workspace of project {} pulled: {} -> {}", lease.projectId(), pulled.fromCommit(), pulled.toCommit());
            return new PullResult(pullId, branch, pulled.fromCommit(), pulled.toCommit(), pulled.updated());
        }
    }

    /**
     * The origin as JGit would fetch it ({@code url.*.insteadOf} applied) must use a transport this server allows
     * for remotes, or be a local repository outside the data directory: never another project's workspace, never
     * the service's own files, never {@code git://} or another transport the remote policy does not name. HTTP
     * connections are checked again, address by address, while the fetch runs.
     */
    private void checkOrigin(Repository repository, String projectId) {
        List<URIish> uris;
        try {
            uris = new RemoteConfig(repository.getConfig(), Constants.DEFAULT_REMOTE_NAME).getURIs();
        } catch (URISyntaxException malformed) {
            log.warn("workspace of project {} not fetched: its origin is not a valid URL", projectId);
            throw originUnreachable();
        }
        for (URIish uri : uris) {
            String scheme = uri.getScheme() != null ? uri.getScheme().toLowerCase(Locale.ROOT)
                    : uri.getHost() != null ? "ssh" : "file";
            boolean allowed = scheme.equals("file") ? outsideDataDirectory(uri.getPath()) : remotes.schemeAllowed(scheme);
            if (!allowed) {
                log.warn("workspace of project {} not fetched: its origin uses {} or a path this server does not allow",
                        projectId, scheme);
                throw originUnreachable();
            }
        }
    }

    private boolean outsideDataDirectory(String path) {
        if (path == null || path.isBlank()) {
            return false;
        }
        Path origin = Path.of(path).toAbsolutePath().normalize();
        try {
            origin = origin.toRealPath();
        } catch (IOException missing) {
            // a missing origin fails the fetch anyway; the normalized path is judged
        }
        return !origin.startsWith(dataRoot);
    }

    private static RejectedCommand originUnreachable() {
        return new RejectedCommand(RejectedCommand.Reason.UNAVAILABLE, "origin-unreachable", null,
                "The origin could not be fetched: it is unreachable, refused access, or is not allowed on "
                        + "this server (details in the server log).");
    }

    private Mono<PullResult> recordFailure(String pullId, String projectId, RejectedCommand refused) {
        WorkspacePullFailed failed = new WorkspacePullFailed(pullId, projectId, refused.problem(),
                FailureReasons.clean(refused.getMessage()), clock.instant());
        return commands.send(new RecordWorkspacePull(pullId, null, failed)).then(Mono.error(refused));
    }

    private static Path realOrSelf(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException missing) {
            return path.toAbsolutePath().normalize();
        }
    }

    private static String reasonOf(Throwable failure) {
        return FailureReasons.clean(failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
    }
}
