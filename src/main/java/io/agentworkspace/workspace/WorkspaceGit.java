package io.agentworkspace.workspace;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LogCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * Read-only git views of a workspace through JGit: status, log, and the diff between two commits. Commits are
 * named by hexadecimal ids or {@code HEAD} only, never by a revision expression. Blocking.
 */
@Component
public class WorkspaceGit {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{4,40}|HEAD");
    private static final int MAX_LISTED = 1000;

    private final Workspaces workspaces;
    private final BrowseSettings settings;

    WorkspaceGit(Workspaces workspaces, BrowseSettings settings) {
        this.workspaces = workspaces;
        this.settings = settings;
    }

    public GitViews.Status status(String projectId) {
        try (Git git = open(workspaces.existing(projectId))) {
            var status = git.status().call();
            Repository repository = git.getRepository();
            String head = SafeGit.head(repository);
            String branch = repository.getFullBranch() != null && repository.getFullBranch().startsWith(Constants.R_HEADS)
                    ? repository.getBranch() : null;
            return new GitViews.Status(branch, head, status.isClean(),
                    sorted(status.getAdded()), sorted(status.getChanged()), sorted(status.getModified()),
                    sorted(status.getMissing()), sorted(status.getRemoved()), sorted(status.getUntracked()),
                    sorted(status.getConflicting()));
        } catch (IOException | GitAPIException e) {
            throw new IllegalStateException("git status failed", e);
        }
    }

    public GitViews.Log log(String projectId, @Nullable String path, int limit) {
        Path workspace = workspaces.existing(projectId);
        RelativePath filter = filterOf(workspace, path);
        if (limit < 1 || limit > settings.maxLogCommits()) {
            throw RejectedCommand.invalid("validation-failed", "limit",
                    "limit must be between 1 and " + settings.maxLogCommits());
        }
        try (Git git = open(workspace)) {
            if (SafeGit.head(git.getRepository()) == null) {
                return new GitViews.Log(pathOrNull(filter), List.of());
            }
            LogCommand log = git.log().setMaxCount(limit);
            if (filter != null) {
                log.addPath(filter.toString());
            }
            List<GitViews.Commit> commits = new ArrayList<>();
            for (RevCommit commit : log.call()) {
                commits.add(view(commit));
            }
            return new GitViews.Log(pathOrNull(filter), commits);
        } catch (IOException | GitAPIException e) {
            throw new IllegalStateException("git log failed", e);
        }
    }

    public GitViews.Diff diff(String projectId, String from, String to, @Nullable String path) {
        Path workspace = workspaces.existing(projectId);
        RelativePath filter = filterOf(workspace, path);
        try (Git git = open(workspace); RevWalk walk = new RevWalk(git.getRepository());
             ObjectReader reader = git.getRepository().newObjectReader()) {
            RevCommit fromCommit = commit(git.getRepository(), walk, from, "from");
            RevCommit toCommit = commit(git.getRepository(), walk, to, "to");
            ByteArrayOutputStream patch = new ByteArrayOutputStream();
            long budget = settings.maxDiffBytes().toBytes();
            boolean truncated = false;
            List<GitViews.FileDiff> files = new ArrayList<>();
            try (DiffFormatter formatter = new DiffFormatter(patch)) {
                formatter.setRepository(git.getRepository());
                formatter.setDetectRenames(true);
                if (filter != null) {
                    formatter.setPathFilter(PathFilter.create(filter.toString()));
                }
                List<DiffEntry> entries = formatter.scan(fromCommit.getTree(), toCommit.getTree());
                for (DiffEntry entry : entries) {
                    if (files.size() == MAX_LISTED) {
                        truncated = true;
                        break;
                    }
                    boolean binary = isBinary(reader, entry);
                    String text = null;
                    if (!binary && budget > 0) {
                        patch.reset();
                        formatter.format(entry);
                        formatter.flush();
                        if (patch.size() <= budget) {
                            text = patch.toString(StandardCharsets.UTF_8);
                            budget -= patch.size();
                        } else {
                            truncated = true;
                            budget = 0;
                        }
                    } else if (!binary) {
                        truncated = true;
                    }
                    files.add(new GitViews.FileDiff(entry.getChangeType().name(),
                            entry.getChangeType() == DiffEntry.ChangeType.ADD ? null : entry.getOldPath(),
                            entry.getChangeType() == DiffEntry.ChangeType.DELETE ? null : entry.getNewPath(),
                            binary, text));
                }
            }
            return new GitViews.Diff(fromCommit.name(), toCommit.name(), pathOrNull(filter), files, truncated);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The path filter of a git request: checked against the working tree as every path is, then used as a name. */
    @Nullable
    private static RelativePath filterOf(Path workspace, @Nullable String path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        ConfinedPath confined = WorkspacePaths.resolve(workspace, path, WorkspacePaths.Access.READ);
        return confined.relative().isRoot() ? null : confined.relative();
    }

    @Nullable
    private static String pathOrNull(@Nullable RelativePath path) {
        return path == null ? null : path.toString();
    }

    private static RevCommit commit(Repository repository, RevWalk walk, String name, String field) throws IOException {
        if (name == null || !COMMIT.matcher(name).matches()) {
            throw RejectedCommand.invalid("invalid-commit", field, field + " must be a commit id (4 to 40 hexadecimal digits) or HEAD");
        }
        ObjectId id;
        try {
            id = repository.resolve(name.equals("HEAD") ? Constants.HEAD : name + "^{commit}");
        } catch (org.eclipse.jgit.errors.AmbiguousObjectException e) {
            throw RejectedCommand.invalid("invalid-commit", field, field + " is ambiguous; give more digits");
        } catch (org.eclipse.jgit.errors.RevisionSyntaxException | org.eclipse.jgit.errors.IncorrectObjectTypeException
                 | org.eclipse.jgit.errors.MissingObjectException e) {
            id = null;
        }
        if (id == null) {
            throw RejectedCommand.notFound("commit-not-found", "No commit " + name + " in the workspace.");
        }
        try {
            return walk.parseCommit(id);
        } catch (org.eclipse.jgit.errors.MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
            throw RejectedCommand.notFound("commit-not-found", "No commit " + name + " in the workspace.");
        }
    }

    private static boolean isBinary(ObjectReader reader, DiffEntry entry) throws IOException {
        for (var id : List.of(entry.getOldId(), entry.getNewId())) {
            if (id.toObjectId().equals(ObjectId.zeroId()) || !id.isComplete()) {
                continue;
            }
            var loader = reader.open(id.toObjectId());
            byte[] head;
            if (loader.isLarge()) {
                try (var in = loader.openStream()) {
                    head = in.readNBytes(RawText.getBufferSize());
                }
            } else {
                head = loader.getCachedBytes();
            }
            if (RawText.isBinary(head)) {
                return true;
            }
        }
        return false;
    }

    private static GitViews.Commit view(RevCommit commit) {
        List<String> parents = new ArrayList<>();
        for (RevCommit parent : commit.getParents()) {
            parents.add(parent.name());
        }
        return new GitViews.Commit(commit.name(), commit.abbreviate(7).name(), commit.getFullMessage(),
                commit.getAuthorIdent().getName(), commit.getAuthorIdent().getEmailAddress(),
                commit.getAuthorIdent().getWhenAsInstant(), commit.getCommitterIdent().getWhenAsInstant(), parents);
    }

    private static List<String> sorted(java.util.Set<String> paths) {
        return new ArrayList<>(new TreeSet<>(paths)).subList(0, Math.min(paths.size(), MAX_LISTED));
    }

    static Git open(Path workspace) throws IOException {
        try {
            return SafeGit.open(workspace);
        } catch (RepositoryNotFoundException e) {
            throw RejectedCommand.conflict("workspace-not-a-repository", "The workspace holds no git repository.");
        }
    }
}
