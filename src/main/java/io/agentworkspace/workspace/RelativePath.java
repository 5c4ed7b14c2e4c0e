package io.agentworkspace.workspace;

import java.util.List;
import java.util.Locale;

/**
 * A path inside a workspace after the lexical checks of {@link WorkspacePaths#parse}: no empty, {@code .} or
 * {@code ..} segment, nothing absolute. The empty path names the workspace root.
 */
public record RelativePath(List<String> segments) {

    public RelativePath {
        segments = List.copyOf(segments);
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    /** Whether the path names the repository's {@code .git} directory or something in it. */
    public boolean inGitDirectory() {
        return !segments.isEmpty() && segments.get(0).toLowerCase(Locale.ROOT).equals(".git");
    }

    public String name() {
        return segments.isEmpty() ? "" : segments.get(segments.size() - 1);
    }

    public RelativePath child(String name) {
        return new RelativePath(java.util.stream.Stream.concat(segments.stream(), java.util.stream.Stream.of(name))
                .toList());
    }

    @Override
    public String toString() {
        return String.join("/", segments);
    }
}
