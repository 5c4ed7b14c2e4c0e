package io.agentworkspace.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.revwalk.RevCommit;

/** Real git repositories on disk, made with JGit, for tests that register and clone projects. */
public final class GitRepositories {

    public record Repo(Path path, String headCommit) {
    }

    private GitRepositories() {
    }

    public static Repo withCommits(Path dir, int commits) {
        try {
            Files.createDirectories(dir);
            try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
                RevCommit last = null;
                for (int i = 1; i <= commits; i++) {
                    Files.writeString(dir.resolve("file-" + i + ".txt"), "line " + i + "\n");
                    Files.createDirectories(dir.resolve("src/nested"));
                    Files.writeString(dir.resolve("src/nested/Main.java"), "class Main { int v = " + i + "; }\n");
                    git.add().addFilepattern(".").call();
                    last = git.commit().setMessage("commit " + i).setAuthor("Test", "test@example.com")
                            .setCommitter("Test", "test@example.com").setSign(false).call();
                }
                return new Repo(dir, last == null ? null : last.name());
            }
        } catch (IOException | GitAPIException e) {
            throw new IllegalStateException("cannot create a test repository", e);
        }
    }
}
