package io.agentworkspace.workspace;

import java.time.Instant;
import java.util.List;

import org.springframework.lang.Nullable;

/** One directory of a workspace. Symbolic links are listed as such, never followed. */
public record DirectoryListing(String path, List<Entry> entries, boolean truncated) {

    /**
     * @param type {@code file}, {@code directory}, {@code symlink} or {@code other}
     * @param mode permission bits in octal, e.g. {@code 0644}
     */
    public record Entry(String name, String path, String type, @Nullable Long size, String mode,
                        Instant modifiedAt) {
    }
}
