package io.agentworkspace.project;

/**
 * Registers a project under a unique name; its workspace is cloned from the source afterwards.
 *
 * @param registeredBy the token id of the caller
 */
public record RegisterProject(String projectId, String name, ProjectSource source, String registeredBy) {
}
