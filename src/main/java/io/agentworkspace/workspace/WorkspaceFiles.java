package io.agentworkspace.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.RejectedCommand;

/** Reads workspaces for the Control Center and the iPhone: directory listings and file contents. Blocking. */
@Component
public class WorkspaceFiles {

    private static final int BINARY_PROBE = 8000;

    private final Workspaces workspaces;
    private final BrowseSettings settings;

    WorkspaceFiles(Workspaces workspaces, BrowseSettings settings) {
        this.workspaces = workspaces;
        this.settings = settings;
    }

    public DirectoryListing list(String projectId, @Nullable String path) {
        ConfinedPath directory = WorkspacePaths.resolve(workspaces.existing(projectId), path, WorkspacePaths.Access.READ);
        if (!directory.exists()) {
            throw notFound(directory);
        }
        if (!Files.isDirectory(directory.real(), LinkOption.NOFOLLOW_LINKS)) {
            throw RejectedCommand.invalid("not-a-directory", "path", "path names a file, not a directory");
        }
        List<DirectoryListing.Entry> entries = new ArrayList<>();
        boolean truncated = false;
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory.real())) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (directory.relative().isRoot() && name.equals(".git")) {
                    continue;
                }
                if (entries.size() == settings.maxEntries()) {
                    truncated = true;
                    break;
                }
                entries.add(entry(directory.relative().child(name), child));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        entries.sort(Comparator.comparing((DirectoryListing.Entry e) -> !e.type().equals("directory"))
                .thenComparing(DirectoryListing.Entry::name));
        return new DirectoryListing(directory.relative().toString(), entries, truncated);
    }

    public FileContent read(String projectId, @Nullable String path) {
        ConfinedPath file = WorkspacePaths.resolve(workspaces.existing(projectId), path, WorkspacePaths.Access.READ);
        if (!file.exists()) {
            throw notFound(file);
        }
        if (!Files.isRegularFile(file.real(), LinkOption.NOFOLLOW_LINKS)) {
            throw RejectedCommand.invalid("not-a-file", "path", "path names a directory or a special file, not a file");
        }
        int limit = (int) Math.min(Integer.MAX_VALUE - 8, settings.maxFileBytes().toBytes());
        try (InputStream in = Files.newInputStream(file.real(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            PosixFileAttributes attributes = Files.readAttributes(file.real(), PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            byte[] bytes = in.readNBytes(limit);
            boolean truncated = in.read() != -1;
            String text = textOrNull(bytes, truncated);
            return new FileContent(file.relative().toString(), attributes.size(), mode(file.real()), text == null,
                    text == null ? "base64" : "utf-8", truncated,
                    text == null ? Base64.getEncoder().encodeToString(bytes) : text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes as text, or null when they look binary: a NUL early on, or not UTF-8. */
    @Nullable
    static String textOrNull(byte[] bytes, boolean truncated) {
        for (int i = 0; i < Math.min(bytes.length, BINARY_PROBE); i++) {
            if (bytes[i] == 0) {
                return null;
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer input = ByteBuffer.wrap(bytes);
        java.nio.CharBuffer output = java.nio.CharBuffer.allocate(bytes.length);
        // a truncated file may end inside a multi-byte character: decode what is complete
        var result = decoder.decode(input, output, !truncated);
        if (result.isError() || (!truncated && decoder.flush(output).isError())) {
            return null;
        }
        if (truncated && input.remaining() > 3) {
            return null;
        }
        return output.flip().toString();
    }

    private DirectoryListing.Entry entry(RelativePath path, Path child) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(child, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String type = attributes.isDirectory() ? "directory" : attributes.isRegularFile() ? "file"
                : attributes.isSymbolicLink() ? "symlink" : "other";
        return new DirectoryListing.Entry(path.name(), path.toString(), type,
                attributes.isRegularFile() ? attributes.size() : null, mode(child),
                attributes.lastModifiedTime().toInstant());
    }

    static String mode(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return String.format("%04o", mode & 07777);
    }

    private static RejectedCommand notFound(ConfinedPath path) {
        return RejectedCommand.notFound("path-not-found", "No file or directory '" + path.relative() + "' in the workspace.");
    }
}
