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

    /**
     * Whether the path names a {@code .git} directory or something in it, at any depth: the workspace's own and
     * those of nested repositories are repository machinery (hooks, config) alike.
     */
    public boolean inGitDirectory() {
        return segments.stream().anyMatch(segment -> segment.toLowerCase(Locale.ROOT).equals(".git"));
    }

    /**
     * Whether the path is one of {@code protectedPaths} or lies under one, wherever in the tree it starts (each is a
     * relative path such as {@code .claude} or {@code .github/workflows}); compared without regard to case.
     */
    public boolean under(List<String> protectedPaths) {
        for (String protectedPath : protectedPaths) {
            String[] parts = protectedPath.toLowerCase(Locale.ROOT).split("/");
            for (int start = 0; start + parts.length <= segments.size(); start++) {
                boolean matches = true;
                for (int i = 0; i < parts.length && matches; i++) {
                    matches = segments.get(start + i).toLowerCase(Locale.ROOT).equals(parts[i]);
                }
                if (matches) {
                    return true;
                }
            }
        }
        return false;
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
