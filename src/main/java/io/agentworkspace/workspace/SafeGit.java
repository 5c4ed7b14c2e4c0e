package io.agentworkspace.workspace;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.springframework.lang.Nullable;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.FS_POSIX;
import org.eclipse.jgit.util.ProcessResult;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * JGit that never starts a program. A workspace is written by agents and cloned from hostile repositories, so
 * nothing in it may make the service execute code: no hook ({@code pre-commit}, {@code post-commit}, ...), no
 * filter driver ({@code filter.*.clean|smudge} named by {@code .gitattributes}), no {@code remote.*.uploadpack}
 * program for a local fetch, no {@code git} executable probed for the system configuration. Every repository the
 * service opens or clones uses {@link #fs()}, whose process-starting methods refuse, and is opened with its
 * {@code .git} as a real directory of the workspace (not a link or a {@code gitdir:} file pointing elsewhere)
 * and without object alternates borrowed from another repository.
 */
public final class SafeGit {

    private static final FS NO_PROGRAMS = new NoProgramsFs();

    private SafeGit() {
    }

    /** The file-system strategy every JGit call of the service uses. */
    public static FS fs() {
        return NO_PROGRAMS;
    }

    /** Opens the repository of a workspace; refused (409) when it has none or its {@code .git} is not its own. */
    public static Git open(Path workspace) throws IOException {
        Path gitDir = workspace.resolve(".git");
        if (!Files.exists(gitDir, LinkOption.NOFOLLOW_LINKS)) {
            throw RejectedCommand.conflict("workspace-not-a-repository", "The workspace holds no git repository.");
        }
        if (!Files.isDirectory(gitDir, LinkOption.NOFOLLOW_LINKS)
                || Files.exists(gitDir.resolve("objects/info/alternates"), LinkOption.NOFOLLOW_LINKS)) {
            throw RejectedCommand.conflict("workspace-repository-unsafe",
                    "The workspace's .git is a link, a pointer to another repository, or borrows objects from one.");
        }
        Repository repository = new FileRepositoryBuilder().setFS(NO_PROGRAMS).setGitDir(gitDir.toFile())
                .setWorkTree(workspace.toFile()).setMustExist(true).build();
        return new Git(repository, true);
    }

    /** The commit HEAD points at, or null on an unborn branch. */
    @Nullable
    public static String head(Repository repository) throws IOException {
        ObjectId head = repository.resolve(Constants.HEAD);
        return head == null ? null : head.name();
    }

    /** The commit a workspace's HEAD points at; null when it has no (usable) repository or no commit. */
    @Nullable
    public static String headOf(Path workspace) {
        try (Git git = open(workspace)) {
            return head(git.getRepository());
        } catch (IOException | RuntimeException unusable) {
            return null;
        }
    }

    /** A POSIX file system for JGit on which hooks are never found and programs never started. */
    private static final class NoProgramsFs extends FS_POSIX {

        @Override
        public FS newInstance() {
            return new NoProgramsFs();
        }

        @Override
        public File findHook(Repository repository, String hookName) {
            return null;
        }

        @Override
        public ProcessResult runHookIfPresent(Repository repository, String hookName, String[] args) {
            return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
        }

        @Override
        public ProcessResult runHookIfPresent(Repository repository, String hookName, String[] args,
                                              OutputStream outRedirect, OutputStream errRedirect, String stdinArgs) {
            return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
        }

        @Override
        protected ProcessResult internalRunHookIfPresent(Repository repository, String hookName, String[] args,
                                                         OutputStream outRedirect, OutputStream errRedirect,
                                                         String stdinArgs) {
            return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
        }

        @Override
        public ProcessBuilder runInShell(String cmd, String[] args) {
            throw new UnsupportedOperationException("running programs from a repository is disabled: " + cmd);
        }

        @Override
        public int runProcess(ProcessBuilder process, OutputStream outRedirect, OutputStream errRedirect,
                              String stdinArgs) {
            throw new UnsupportedOperationException("running programs from a repository is disabled");
        }

        @Override
        public int runProcess(ProcessBuilder process, OutputStream outRedirect, OutputStream errRedirect,
                              InputStream inRedirect) {
            throw new UnsupportedOperationException("running programs from a repository is disabled");
        }

        @Override
        public ExecutionResult execute(ProcessBuilder process, InputStream in) {
            throw new UnsupportedOperationException("running programs from a repository is disabled");
        }

        @Override
        protected File discoverGitExe() {
            return null;
        }

        @Override
        protected File discoverGitSystemConfig() {
            return null;
        }
    }
}
