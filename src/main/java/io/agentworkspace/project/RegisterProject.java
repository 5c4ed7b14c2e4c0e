package io.agentworkspace.project;

/** Registers a project under a unique name; its workspace is cloned from the source afterwards. */
public record RegisterProject(String projectId, String name, ProjectSource source) {
}
