package io.agentworkspace.infrastructure.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory and what the service creates in it are owner-only, whatever the umask or an earlier chmod. */
class DataDirectoryTest {

    @Test
    void theDataDirectoryAndItsSubDirectoriesAreOwnerOnly(@TempDir Path scratch) throws Exception {
        Path existing = Files.createDirectories(scratch.resolve("shared-data"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));
        DataDirectory data = new DataDirectory(existing.toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(existing))).isEqualTo("rwx------");
        Path workspaces = data.directory("workspaces");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workspaces))).isEqualTo("rwx------");
        DataDirectory fresh = new DataDirectory(scratch.resolve("new/data").toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.root()))).isEqualTo("rwx------");
    }
}
