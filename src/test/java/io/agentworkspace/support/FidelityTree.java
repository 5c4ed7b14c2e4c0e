package io.agentworkspace.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.eclipse.jgit.api.Git;

/**
 * The changes a snapshot must capture and a restore must undo, applied to a workspace that holds a clone made by
 * {@link GitRepositories#withCommits}: modified, added (untracked, binary, nested, non-ASCII name, long name),
 * deleted and chmod-ed files, an empty directory, links; then further changes after the snapshot, a commit
 * included.
 */
public final class FidelityTree {

    public static final String NON_ASCII = "notes/déjà vu/ünïcödé-日本語-😀.md";

    private FidelityTree() {
    }

    public static void beforeSnapshot(Path workspace) {
        try {
            Files.writeString(workspace.resolve("file-1.txt"), "changed but not committed\n");
            Files.delete(workspace.resolve("file-2.txt"));
            Files.createDirectories(workspace.resolve("notes/déjà vu"));
            Files.writeString(workspace.resolve(NON_ASCII), "naïve café\n");
            Files.createDirectories(workspace.resolve("assets/img"));
            Files.write(workspace.resolve("assets/img/blob.bin"), WorkspaceTrees.randomBytes(7, 64 * 1024));
            Files.writeString(workspace.resolve("run.sh"), "#!/bin/sh\necho hi\n");
            Files.setPosixFilePermissions(workspace.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
            Files.writeString(workspace.resolve("private.key"), "not really a key\n");
            Files.setPosixFilePermissions(workspace.resolve("private.key"), PosixFilePermissions.fromString("rw-------"));
            Files.createDirectories(workspace.resolve("empty/inner"));
            Files.setPosixFilePermissions(workspace.resolve("empty"), PosixFilePermissions.fromString("rwx------"));
            Files.createSymbolicLink(workspace.resolve("link-to-notes"), Path.of("notes"));
            Files.createSymbolicLink(workspace.resolve("link-dangling"), Path.of("nowhere/at/all"));
            Path longDir = workspace.resolve("d".repeat(120) + "/" + "e".repeat(120));
            Files.createDirectories(longDir);
            Files.writeString(longDir.resolve("f".repeat(150) + ".txt"), "long name\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void afterSnapshot(Path workspace) {
        try (Git git = Git.open(workspace.toFile())) {
            Files.writeString(workspace.resolve("file-1.txt"), "changed again\n");
            Files.delete(workspace.resolve("assets/img/blob.bin"));
            Files.setPosixFilePermissions(workspace.resolve("private.key"), PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(workspace.resolve("run.sh"), PosixFilePermissions.fromString("rw-r--r--"));
            Files.delete(workspace.resolve("empty/inner"));
            Files.delete(workspace.resolve("link-to-notes"));
            Files.createSymbolicLink(workspace.resolve("link-to-notes"), Path.of("assets"));
            Files.writeString(workspace.resolve("junk.txt"), "added after the snapshot\n");
            Files.writeString(workspace.resolve(NON_ASCII), "overwritten\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("after the snapshot").setAuthor("Test", "test@example.com")
                    .setCommitter("Test", "test@example.com").setSign(false).call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
