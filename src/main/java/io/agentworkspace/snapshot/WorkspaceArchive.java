package io.agentworkspace.snapshot;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

import io.agentworkspace.workspace.RelativePath;
import io.agentworkspace.workspace.WorkspacePaths;

/**
 * A workspace as a tar.gz archive: every directory (empty ones too), regular file and symbolic link, with its
 * permission bits and modification time, {@code .git} included, so a restore brings back the exact tree, committed
 * or not. Names are UTF-8 (PAX headers for long or non-ASCII ones).
 *
 * <p>Extraction treats the archive as data: every name passes {@link WorkspacePaths#parse}, nothing is written
 * through a link (links are created last, files with CREATE_NEW and NOFOLLOW_LINKS), only directories, files and
 * links are accepted, and a link whose target leaves the workspace (absolute, or climbing above the root) is
 * refused; the entries and the bytes they expand to are capped ({@link Limits}); {@link #verify} checks the SHA-256
 * of the whole archive before anything is extracted.
 */
final class WorkspaceArchive {

    record Captured(long sizeBytes, long contentBytes, long fileCount, String sha256) {
    }

    /** What an extraction may produce at most: a small archive must not expand into a full disk (a zip bomb). */
    record Limits(long maxBytes, long maxEntries) {
    }

    static final class Corrupt extends IOException {
        Corrupt(String message) {
            super(message);
        }

        Corrupt(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final int BUFFER = 1 << 20;

    private WorkspaceArchive() {
    }

    static Captured capture(Path workspace, Path archive, int compressionLevel) throws IOException {
        MessageDigest sha256 = sha256();
        long[] content = new long[2];
        GzipParameters gzip = new GzipParameters();
        gzip.setCompressionLevel(compressionLevel);
        Files.createFile(archive, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(archive, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), BUFFER);
             DigestOutputStream digest = new DigestOutputStream(file, sha256);
             GzipCompressorOutputStream compressed = new GzipCompressorOutputStream(digest, gzip);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(compressed, BUFFER, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            Files.walkFileTree(workspace, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    String name = dir.equals(workspace) ? "./" : nameOf(workspace, dir) + "/";
                    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_DIR, true);
                    describe(entry, dir, attributes);
                    tar.putArchiveEntry(entry);
                    tar.closeArchiveEntry();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path path, BasicFileAttributes attributes) throws IOException {
                    if (attributes.isSymbolicLink()) {
                        TarArchiveEntry entry = new TarArchiveEntry(nameOf(workspace, path), TarConstants.LF_SYMLINK, true);
                        entry.setLinkName(Files.readSymbolicLink(path).toString());
                        describe(entry, path, attributes);
                        tar.putArchiveEntry(entry);
                        tar.closeArchiveEntry();
                        content[1]++;
                    } else if (attributes.isRegularFile()) {
                        TarArchiveEntry entry = new TarArchiveEntry(nameOf(workspace, path), TarConstants.LF_NORMAL, true);
                        describe(entry, path, attributes);
                        entry.setSize(attributes.size());
                        tar.putArchiveEntry(entry);
                        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
                            long copied = in.transferTo(tar);
                            if (copied != attributes.size()) {
                                throw new IOException(nameOf(workspace, path) + " changed while it was archived");
                            }
                        }
                        tar.closeArchiveEntry();
                        content[0] += attributes.size();
                        content[1]++;
                    }
                    // sockets, pipes and devices are not workspace content
                    return FileVisitResult.CONTINUE;
                }
            });
            tar.finish();
        }
        return new Captured(Files.size(archive), content[0], content[1], HexFormat.of().formatHex(sha256.digest()));
    }

    private static String nameOf(Path workspace, Path path) {
        List<String> segments = new ArrayList<>();
        workspace.relativize(path).forEach(part -> segments.add(part.toString()));
        return String.join("/", segments);
    }

    private static void describe(TarArchiveEntry entry, Path path, BasicFileAttributes attributes) throws IOException {
        entry.setMode((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777
                | (entry.isDirectory() ? 040000 : entry.isSymbolicLink() ? 0120000 : 0100000));
        entry.setModTime(attributes.lastModifiedTime());
    }

    /** Checks an archive against its recorded size and SHA-256 before anything reads its content. */
    static void verify(Path archive, String expectedSha256, long expectedSize) throws IOException {
        long size = Files.size(archive);
        if (size != expectedSize) {
            throw new Corrupt("the archive has " + size + " bytes, " + expectedSize + " were recorded");
        }
        MessageDigest sha256 = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(archive), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        String actual = HexFormat.of().formatHex(sha256.digest());
        if (!actual.equals(expectedSha256)) {
            throw new Corrupt("the archive's SHA-256 is " + actual + ", " + expectedSha256 + " was recorded");
        }
    }

    /**
     * Extracts a verified archive into {@code target}, a new directory it creates; throws {@link Corrupt} on
     * anything malformed or hostile, and the caller discards the target.
     */
    static void extract(Path archive, Path target, Limits limits) throws IOException {
        Files.createDirectory(target, OWNER_ONLY_DIRECTORY);
        long entries = 0;
        long bytes = 0;
        List<TarArchiveEntry> links = new ArrayList<>();
        List<TarArchiveEntry> directories = new ArrayList<>();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), BUFFER);
             GzipCompressorInputStream compressed = new GzipCompressorInputStream(file);
             TarArchiveInputStream tar = new TarArchiveInputStream(compressed, BUFFER, "UTF-8")) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    throw new Corrupt("the archive holds more than " + limits.maxEntries() + " entries");
                }
                Path path = place(target, entry.getName());
                if (entry.isDirectory()) {
                    ensureDirectories(target, path);
                    directories.add(entry);
                } else if (entry.isSymbolicLink()) {
                    confineLink(target, path, entry.getLinkName());
                    links.add(entry);
                } else if (entry.getLinkFlag() == TarConstants.LF_NORMAL || entry.getLinkFlag() == TarConstants.LF_OLDNORM) {
                    ensureDirectories(target, path.getParent());
                    try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                        bytes = copyWithin(tar, out, bytes, limits.maxBytes());
                    }
                    finish(path, entry);
                } else {
                    throw new Corrupt("the archive holds an entry of a kind a workspace never has: " + entry.getName());
                }
            }
            // links last, so nothing is ever written through one
            for (TarArchiveEntry link : links) {
                Path path = place(target, link.getName());
                ensureDirectories(target, path.getParent());
                Files.createSymbolicLink(path, Path.of(link.getLinkName()));
            }
            // deepest first, so a read-only directory is closed only after everything inside it is written
            directories.sort(Comparator.comparing((TarArchiveEntry e) -> e.getName().length()).reversed());
            for (TarArchiveEntry directory : directories) {
                finish(place(target, directory.getName()), directory);
            }
        } catch (Corrupt e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new Corrupt("the archive cannot be extracted: " + e.getMessage(), e);
        }
    }

    private static final java.nio.file.attribute.FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

    /** Copies an entry's content, refusing once everything extracted so far passes {@code maxBytes}. */
    private static long copyWithin(InputStream in, OutputStream out, long written, long maxBytes) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = in.read(buffer)) != -1) {
            written += read;
            if (written > maxBytes) {
                throw new Corrupt("the archive expands to more than " + maxBytes + " bytes");
            }
            out.write(buffer, 0, read);
        }
        return written;
    }

    /** A link must point inside the workspace: relative, and not climbing above the root from where it sits. */
    private static void confineLink(Path target, Path link, String linkName) throws Corrupt {
        Path destination;
        try {
            Path named = Path.of(linkName);
            destination = named.isAbsolute() ? null : link.getParent().resolve(named).normalize();
        } catch (RuntimeException invalid) {
            destination = null;
        }
        if (linkName.isEmpty() || destination == null || !destination.startsWith(target)) {
            throw new Corrupt("the archive holds a link that leaves the workspace: " + target.relativize(link));
        }
    }

    private static Path place(Path target, String name) throws Corrupt {
        RelativePath relative;
        try {
            relative = WorkspacePaths.parse(name);
        } catch (RuntimeException refused) {
            throw new Corrupt("the archive names a path outside the workspace: " + refused.getMessage());
        }
        Path path = target;
        for (String segment : relative.segments()) {
            path = path.resolve(segment);
        }
        return path;
    }

    /** Creates the directories down to {@code directory}, refusing to pass through anything but a directory. */
    private static void ensureDirectories(Path target, Path directory) throws IOException {
        if (directory.equals(target)) {
            return;
        }
        Path current = target;
        for (Path segment : target.relativize(directory)) {
            if (segment.toString().isEmpty()) {
                continue;
            }
            current = current.resolve(segment.toString());
            if (Files.isSymbolicLink(current)) {
                throw new Corrupt("the archive writes through a symbolic link: " + target.relativize(current));
            }
            if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(current);
            }
        }
    }

    private static void finish(Path path, TarArchiveEntry entry) throws IOException {
        Files.setPosixFilePermissions(path, permissions(entry.getMode()));
        Files.setLastModifiedTime(path, FileTime.from(entry.getModTime().toInstant()));
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
