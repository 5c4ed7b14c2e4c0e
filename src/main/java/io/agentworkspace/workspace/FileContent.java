package io.agentworkspace.workspace;

/**
 * A file of a workspace. Text (valid UTF-8 without NUL in its first 8000 bytes, git's own test) comes back as
 * {@code utf-8}; anything else as {@code base64}. {@code truncated} says the file is longer than what is returned.
 */
public record FileContent(String path, long size, String mode, boolean binary, String encoding, boolean truncated,
                          String content) {
}
