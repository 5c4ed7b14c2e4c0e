package io.agentworkspace.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.lang.Nullable;

/**
 * The one gate between a path someone names (an HTTP client, an agent's tool call, an archive entry) and the
 * file system of a workspace. Every module that touches workspace files by a requested path goes through it.
 *
 * <p>Lexically ({@link #parse}) a path is refused when it is absolute (leading {@code /}, a drive letter, {@code ~}),
 * climbs ({@code ..}, also as Unicode look-alikes that normalize to it), uses Windows separators, holds NUL or
 * another control character, is still percent-encoded where it matters ({@code %2e %2f %5c %00 %25} after the one
 * decoding HTTP does), is a URL, carries U+FFFD (bytes that were not UTF-8), or is longer than
 * {@value #MAX_PATH_CHARS} characters or has a segment over {@value #MAX_SEGMENT_BYTES} bytes.
 *
 * <p>On disk ({@link #resolve}) it is walked one segment at a time without following links; each symbolic link met
 * is resolved to its real target, which must stay inside the workspace's real root and outside {@code .git}. No
 * {@code .git} directory, the workspace's own or a nested repository's, is ever reachable: it is the repository's
 * machinery (hooks and config there would run code).
 */
public final class WorkspacePaths {

    public enum Access {
        /** Browsing: a missing path or a dangling link inside the workspace is simply not there. */
        READ,
        /** Writing: additionally refuses a dangling link, whose target a write would create. */
        WRITE
    }

    public static final int MAX_PATH_CHARS = 4096;
    public static final int MAX_SEGMENT_BYTES = 255;

    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*", Pattern.DOTALL);
    private static final Pattern ENCODED = Pattern.compile("%(2[eEfF]|5[cC]|00|25)");
    private static final String FIELD = "path";

    private WorkspacePaths() {
    }

    /** The lexical checks alone; {@code null} or empty names the root. */
    public static RelativePath parse(@Nullable String requested) {
        if (requested == null || requested.isEmpty()) {
            return new RelativePath(List.of());
        }
        if (requested.length() > MAX_PATH_CHARS) {
            throw new PathRejected("path-too-long", FIELD, "path is longer than " + MAX_PATH_CHARS + " characters");
        }
        for (int i = 0; i < requested.length(); i++) {
            char c = requested.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                throw invalid("path contains NUL or another control character");
            }
            if (c == '\uFFFD') {
                throw invalid("path contains bytes that are not UTF-8");
            }
            if (c == '\\') {
                throw invalid("path uses backslashes; separate segments with '/'");
            }
        }
        if (requested.startsWith("/") || requested.startsWith("~") || DRIVE.matcher(requested).matches()) {
            throw new PathRejected("absolute-path", FIELD, "path must be relative to the workspace root");
        }
        if (requested.contains("://")) {
            throw invalid("path is a URL, not a path in the workspace");
        }
        if (ENCODED.matcher(requested).find()) {
            throw invalid("path is still percent-encoded (double encoding); send it encoded once");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : requested.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            String normalized = Normalizer.normalize(segment, Normalizer.Form.NFKC);
            if (segment.equals("..") || normalized.equals("..")) {
                throw new PathRejected("path-traversal", FIELD, "path must not climb out with '..'");
            }
            if (normalized.equals(".") || normalized.contains("/") || normalized.contains("\\")) {
                throw invalid("path segment '" + segment + "' normalizes to a separator or a dot");
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw new PathRejected("path-too-long", FIELD,
                        "a path segment is longer than " + MAX_SEGMENT_BYTES + " bytes");
            }
            segments.add(segment);
        }
        return new RelativePath(segments);
    }

    /**
     * Resolves a requested path inside a workspace directory (see the class comment for the rules).
     *
     * @throws PathRejected       when the path is refused
     * @throws UncheckedIOException when the workspace itself cannot be read
     */
    public static ConfinedPath resolve(Path workspace, @Nullable String requested, Access access) {
        RelativePath relative = parse(requested);
        if (relative.inGitDirectory()) {
            throw gitDirectory();
        }
        Path realRoot;
        try {
            realRoot = workspace.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("workspace " + workspace + " cannot be read", e);
        }
        Path current = realRoot;
        List<String> segments = relative.segments();
        for (int i = 0; i < segments.size(); i++) {
            Path next = current.resolve(segments.get(i));
            BasicFileAttributes attributes = attributesOrNull(next);
            if (attributes == null) {
                return new ConfinedPath(relative, append(next, segments, i + 1), false);
            }
            if (attributes.isSymbolicLink()) {
                Path target = linkTarget(realRoot, current, next, access);
                if (target == null) {
                    return new ConfinedPath(relative, append(next, segments, i + 1), false);
                }
                current = target;
            } else {
                current = next;
            }
        }
        return new ConfinedPath(relative, current, true);
    }

    /**
     * Resolves a path an agent wants to write: as {@link #resolve} with {@link Access#WRITE}, and refused when it
     * (or, through a link, its real target) is or lies under one of {@code protectedPaths}: configuration that a
     * later agent, editor or tool would execute is not the agent's to change.
     */
    public static ConfinedPath resolveForWrite(Path workspace, @Nullable String requested, List<String> protectedPaths) {
        ConfinedPath resolved = resolve(workspace, requested, Access.WRITE);
        RelativePath real;
        try {
            real = new RelativePath(pathSegments(workspace.toRealPath().relativize(resolved.real())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (resolved.relative().under(protectedPaths) || real.under(protectedPaths)) {
            throw new PathRejected("protected-path", FIELD,
                    "path is agent or tool configuration that agents may not change: " + String.join(", ", protectedPaths));
        }
        return resolved;
    }

    /** The confined real target of a link, or null for a dangling link that points inside the workspace. */
    @Nullable
    private static Path linkTarget(Path realRoot, Path directory, Path link, Access access) {
        try {
            Path real = link.toRealPath();
            if (!real.startsWith(realRoot)) {
                throw outside();
            }
            if (new RelativePath(pathSegments(realRoot.relativize(real))).inGitDirectory()) {
                throw gitDirectory();
            }
            return real;
        } catch (NoSuchFileException dangling) {
            Path lexical = directory.resolve(readLink(link)).normalize();
            if (!lexical.startsWith(realRoot)) {
                throw outside();
            }
            if (access == Access.WRITE) {
                throw invalid("path goes through a symbolic link whose target does not exist");
            }
            return null;
        } catch (FileSystemException loop) {
            throw invalid("path goes through a symbolic link that cannot be resolved (a loop, or no permission)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path readLink(Path link) {
        try {
            return Files.readSymbolicLink(link);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Nullable
    private static BasicFileAttributes attributesOrNull(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            // a file where a directory was expected ("Not a directory"): the path does not exist
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path append(Path base, List<String> segments, int from) {
        Path path = base;
        for (int i = from; i < segments.size(); i++) {
            path = path.resolve(segments.get(i));
        }
        return path;
    }

    private static List<String> pathSegments(Path relative) {
        List<String> segments = new ArrayList<>();
        relative.forEach(part -> segments.add(part.toString()));
        return segments.size() == 1 && segments.get(0).isEmpty() ? List.of() : segments;
    }

    private static PathRejected invalid(String message) {
        return new PathRejected("invalid-path", FIELD, message);
    }

    private static PathRejected outside() {
        return new PathRejected("path-outside-workspace", FIELD, "path leads outside the workspace through a symbolic link");
    }

    private static PathRejected gitDirectory() {
        return new PathRejected("path-in-git-directory", FIELD,
                "the .git directory is not accessible; use the git endpoints");
    }
}
