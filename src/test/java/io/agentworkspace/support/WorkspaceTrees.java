package io.agentworkspace.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A tree's exact state for comparisons: every entry (the root and {@code .git} included) with its kind, its
 * permission bits and, for files, the SHA-256 of the content, for links the target.
 */
public final class WorkspaceTrees {

    private WorkspaceTrees() {
    }

    public static Map<String, String> manifest(Path root) {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(path -> entries.put(root.relativize(path).toString(), describe(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private static String describe(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
            if (Files.isSymbolicLink(path)) {
                return "link -> " + Files.readSymbolicLink(path);
            }
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                return String.format("dir %04o", mode);
            }
            return String.format("file %04o %s", mode, sha256(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deterministic pseudo-random bytes (incompressible, so archives stay as large as the content). */
    public static byte[] randomBytes(long seed, int size) {
        byte[] bytes = new byte[size];
        new java.util.SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }
}
