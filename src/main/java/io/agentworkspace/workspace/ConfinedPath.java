package io.agentworkspace.workspace;

import java.nio.file.Path;

/**
 * A requested path resolved inside a workspace: {@code real} is where it lives on disk, with every symbolic link
 * on the way resolved and found to stay inside the workspace. When {@code exists} is false, {@code real} is where
 * it would be created: under an existing, confined directory, through no link.
 */
public record ConfinedPath(RelativePath relative, Path real, boolean exists) {
}
