package io.agentworkspace.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.agentworkspace.support.FidelityTree;
import io.agentworkspace.support.GitRepositories;
import io.agentworkspace.support.WorkspaceTrees;

/** The archive format on its own: exact round trip, integrity check, and hostile archives treated as data. */
class WorkspaceArchiveTest {

    static final WorkspaceArchive.Limits GENEROUS = new WorkspaceArchive.Limits(1L << 32, 1_000_000);

    @TempDir
    Path temp;

    /** 64 MiB of zeros compress to a few KB: past the byte cap the extraction is refused. */
    @Test
    void anArchiveThatExpandsPastTheByteCapIsRefused() throws Exception {
        Path archive = tarOf(temp.resolve("bomb.tar.gz"), tar -> {
            TarArchiveEntry entry = new TarArchiveEntry("zeros.bin", true);
            entry.setSize(64L << 20);
            tar.putArchiveEntry(entry);
            byte[] block = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                tar.write(block);
            }
            tar.closeArchiveEntry();
        });
        assertThat(Files.size(archive)).isLessThan(1 << 20);
        Path target = temp.resolve("bomb-target");
        assertThatThrownBy(() -> WorkspaceArchive.extract(archive, target, new WorkspaceArchive.Limits(8L << 20, 1000)))
                .isInstanceOf(WorkspaceArchive.Corrupt.class).hasMessageContaining("expands to more than");
        assertThat(Files.size(target.resolve("zeros.bin"))).isLessThanOrEqualTo(8L << 20);
    }

    @Test
    void anArchiveWithMoreEntriesThanTheCapIsRefused() throws Exception {
        Path archive = tarOf(temp.resolve("many.tar.gz"), tar -> {
            for (int i = 0; i < 500; i++) {
                TarArchiveEntry entry = new TarArchiveEntry("d/f" + i, true);
                entry.setSize(0);
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
        });
        assertThatThrownBy(() -> WorkspaceArchive.extract(archive, temp.resolve("many-target"),
                new WorkspaceArchive.Limits(1L << 30, 100)))
                .isInstanceOf(WorkspaceArchive.Corrupt.class).hasMessageContaining("more than 100 entries");
    }

    @Test
    void linksWhoseTargetsLeaveTheWorkspaceAreRefusedAndInsideOnesKept() throws Exception {
        for (String[] link : new String[][] {{"escape", "/etc"}, {"up", "../outside"}, {"a/b/deep", "../../../x"},
                {"dot", ".."}}) {
            Path archive = tarOf(temp.resolve("link-" + Math.abs(link[0].hashCode()) + ".tar.gz"),
                    tar -> link(tar, link[0], link[1]));
            Path target = temp.resolve("link-target-" + Math.abs(link[0].hashCode()));
            assertThatThrownBy(() -> WorkspaceArchive.extract(archive, target, GENEROUS)).as(link[0] + " -> " + link[1])
                    .isInstanceOf(WorkspaceArchive.Corrupt.class).hasMessageContaining("leaves the workspace");
        }
        Path archive = tarOf(temp.resolve("link-inside.tar.gz"), tar -> link(tar, "a/b/sibling", "../../notes"));
        Path target = temp.resolve("inside-target");
        WorkspaceArchive.extract(archive, target, GENEROUS);
        assertThat(Files.readSymbolicLink(target.resolve("a/b/sibling"))).isEqualTo(Path.of("../../notes"));
    }

    @Test
    void roundTripRestoresEveryEntryWithItsContentAndMode() throws Exception {
        Path workspace = GitRepositories.withCommits(temp.resolve("ws"), 2).path();
        FidelityTree.beforeSnapshot(workspace);
        Map<String, String> before = WorkspaceTrees.manifest(workspace);

        Path archive = temp.resolve("a.tar.gz");
        WorkspaceArchive.Captured captured = WorkspaceArchive.capture(workspace, archive, 1);
        assertThat(captured.sizeBytes()).isEqualTo(Files.size(archive));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)))
                .as("archives are the owner's alone").isEqualTo("rw-------");
        assertThat(captured.sha256()).isEqualTo(WorkspaceTrees.sha256(archive));
        assertThat(captured.fileCount()).isEqualTo(before.values().stream().filter(v -> !v.startsWith("dir")).count());

        WorkspaceArchive.verify(archive, captured.sha256(), captured.sizeBytes());
        Path restored = temp.resolve("restored");
        WorkspaceArchive.extract(archive, restored, GENEROUS);
        assertThat(WorkspaceTrees.manifest(restored)).isEqualTo(before);
    }

    @Test
    void aSingleFlippedByteFailsVerification() throws Exception {
        Path workspace = GitRepositories.withCommits(temp.resolve("ws"), 1).path();
        Path archive = temp.resolve("a.tar.gz");
        WorkspaceArchive.Captured captured = WorkspaceArchive.capture(workspace, archive, 1);
        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(archive, bytes);
        assertThatThrownBy(() -> WorkspaceArchive.verify(archive, captured.sha256(), captured.sizeBytes()))
                .isInstanceOf(WorkspaceArchive.Corrupt.class).hasMessageContaining("SHA-256");
        Files.write(archive, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        assertThatThrownBy(() -> WorkspaceArchive.verify(archive, captured.sha256(), captured.sizeBytes()))
                .isInstanceOf(WorkspaceArchive.Corrupt.class).hasMessageContaining("bytes");
    }

    @Test
    void anArchiveNeverWritesOutsideItsTarget() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        for (String[] hostile : new String[][] {
                {"../outside/evil.txt", null},
                {"/tmp/evil-absolute.txt", null},
                {"a\\..\\..\\outside\\evil.txt", null}}) {
            Path archive = tar(temp.resolve("hostile-" + Math.abs(hostile[0].hashCode()) + ".tar.gz"), hostile[0], null);
            Path target = temp.resolve("t-" + Math.abs(hostile[0].hashCode()));
            assertThatThrownBy(() -> WorkspaceArchive.extract(archive, target, GENEROUS))
                    .isInstanceOf(WorkspaceArchive.Corrupt.class);
        }
        // a link to outside, then a file through it: links are created last, so the file lands in a directory of
        // that name inside the target, and the link then collides with it: refused, nothing written outside
        Path archive = tar(temp.resolve("through-link.tar.gz"), "escape/evil.txt", outside.toString());
        Path target = temp.resolve("t-link");
        assertThatThrownBy(() -> WorkspaceArchive.extract(archive, target, GENEROUS))
                .isInstanceOf(WorkspaceArchive.Corrupt.class);
        assertThat(outside).isEmptyDirectory();
        assertThat(Files.isSymbolicLink(target.resolve("escape"))).isFalse();
        assertThat(Path.of("/tmp/evil-absolute.txt")).doesNotExist();
    }

    interface Entries {
        void write(TarArchiveOutputStream tar) throws Exception;
    }

    /** A tar.gz archive with the entries {@code entries} writes. */
    private static Path tarOf(Path archive, Entries entries) throws Exception {
        try (OutputStream out = Files.newOutputStream(archive);
             GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            entries.write(tar);
        }
        return archive;
    }

    private static void link(TarArchiveOutputStream tar, String name, String target) throws Exception {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        entry.setLinkName(target);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    /** An archive with one file entry, optionally preceded by a link named "escape" to {@code linkTarget}. */
    private static Path tar(Path archive, String name, String linkTarget) throws Exception {
        try (OutputStream out = Files.newOutputStream(archive);
             GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            if (linkTarget != null) {
                TarArchiveEntry link = new TarArchiveEntry("escape", TarConstants.LF_SYMLINK);
                link.setLinkName(linkTarget);
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
            byte[] content = "evil".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return archive;
    }
}
