package io.agentworkspace.rag;

import java.io.File;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.WorkingTreeIterator;
import org.eclipse.jgit.treewalk.WorkingTreeOptions;

import io.agentworkspace.workspace.SafeGit;

/**
 * The files of a workspace worth indexing, found with JGit's working-tree iterator: it applies git's own ignore
 * rules ({@code .gitignore} at every level with negations, {@code .git/info/exclude}, the repository's
 * {@code core.excludesFile}) exactly as git does, never enters {@code .git}, and reports symbolic links as links,
 * which are skipped so nothing outside the workspace is ever read. Submodules are skipped too.
 */
final class WorkspaceFiles {

    /** A regular file: its path relative to the workspace, with {@code /} separators. */
    record Candidate(String path, long size) {
    }

    static final int MAX_PATH = 700;

    private WorkspaceFiles() {
    }

    static List<Candidate> list(Path root) throws IOException {
        List<Candidate> files = new ArrayList<>();
        File gitDir = root.resolve(".git").toFile();
        if (gitDir.isDirectory()) {
            try (Repository repository = new FileRepositoryBuilder().setFS(SafeGit.fs()).setGitDir(gitDir).setWorkTree(root.toFile())
                    .setMustExist(true).build()) {
                walk(new FileTreeIterator(repository), files);
            }
        } else {
            walk(new FileTreeIterator(root.toFile(), SafeGit.fs(), new Config().get(WorkingTreeOptions.KEY)), files);
        }
        return files;
    }

    private static void walk(WorkingTreeIterator entries, List<Candidate> files) throws IOException {
        while (!entries.eof()) {
            FileMode mode = entries.getEntryFileMode();
            String path = entries.getEntryPathString();
            if (!entries.isEntryIgnored() && path.length() <= MAX_PATH) {
                if (mode == FileMode.TREE) {
                    walk((WorkingTreeIterator) entries.createSubtreeIterator(null), files);
                } else if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
                    files.add(new Candidate(path, entries.getEntryLength()));
                }
            }
            entries.next(1);
        }
    }

    /**
     * The file's bytes, or null when it has grown past {@code limit} since it was listed. Opened without following a
     * symbolic link, so a file swapped for a link after listing is not read through it.
     */
    static byte[] read(Path root, String path, long limit) throws IOException {
        try (var channel = Files.newByteChannel(root.resolve(path), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             var in = Channels.newInputStream(channel)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            return bytes.length > limit ? null : bytes;
        }
    }
}
