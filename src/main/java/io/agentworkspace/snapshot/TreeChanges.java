package io.agentworkspace.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a restore changes in a workspace, outside {@code .git}: paths added, modified (content, kind, mode or link
 * target) and removed, compared entry by entry between the current tree and the restored one.
 */
record TreeChanges(List<String> added, List<String> modified, List<String> removed) {

    static final int LISTED = 100;

    private record Node(String kind, int mode, long size, String linkTarget) {
    }

    static TreeChanges between(Path before, Path after) {
        Map<String, Node> old = Files.isDirectory(before) ? nodes(before) : Map.of();
        Map<String, Node> restored = nodes(after);
        List<String> added = new ArrayList<>();
        List<String> modified = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (String path : new TreeSet<>(restored.keySet())) {
            Node was = old.get(path);
            if (was == null) {
                added.add(path);
            } else if (!was.equals(restored.get(path)) || differ(before.resolve(path), after.resolve(path), was)) {
                modified.add(path);
            }
        }
        for (String path : new TreeSet<>(old.keySet())) {
            if (!restored.containsKey(path)) {
                removed.add(path);
            }
        }
        return new TreeChanges(added, modified, removed);
    }

    private static boolean differ(Path a, Path b, Node node) {
        if (!node.kind().equals("file")) {
            return false;
        }
        try {
            return Files.mismatch(a, b) != -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Node> nodes(Path root) {
        Map<String, Node> nodes = new HashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(path -> !path.equals(root)).forEach(path -> {
                String name = root.relativize(path).toString();
                if (name.equals(".git") || name.startsWith(".git/")) {
                    return;
                }
                nodes.put(name, node(path));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return nodes;
    }

    private static Node node(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
            if (attributes.isSymbolicLink()) {
                return new Node("symlink", 0, 0, Files.readSymbolicLink(path).toString());
            }
            if (attributes.isDirectory()) {
                return new Node("directory", mode, 0, null);
            }
            return new Node("file", mode, attributes.size(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> listed(List<String> paths) {
        return List.copyOf(paths.subList(0, Math.min(LISTED, paths.size())));
    }

    boolean truncated() {
        return added.size() > LISTED || modified.size() > LISTED || removed.size() > LISTED;
    }

}
