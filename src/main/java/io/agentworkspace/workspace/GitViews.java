package io.agentworkspace.workspace;

import java.time.Instant;
import java.util.List;

import org.springframework.lang.Nullable;

/** What the git endpoints return. */
public final class GitViews {

    private GitViews() {
    }

    /** {@code head} and {@code branch} are null in a repository without commits or on a detached head. */
    public record Status(@Nullable String branch, @Nullable String head, boolean clean, List<String> added,
                         List<String> changed, List<String> modified, List<String> missing, List<String> removed,
                         List<String> untracked, List<String> conflicting) {
    }

    public record Commit(String id, String shortId, String message, String author, String authorEmail,
                         Instant authoredAt, Instant committedAt, List<String> parents) {
    }

    public record Log(@Nullable String path, List<Commit> commits) {
    }

    /**
     * @param changeType ADD, MODIFY, DELETE, RENAME or COPY
     * @param patch      unified diff text, absent when the files are binary or the diff budget is spent
     */
    public record FileDiff(String changeType, @Nullable String oldPath, @Nullable String newPath, boolean binary,
                           @Nullable String patch) {
    }

    public record Diff(String from, String to, @Nullable String path, List<FileDiff> files, boolean truncated) {
    }
}
