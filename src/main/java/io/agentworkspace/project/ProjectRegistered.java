package io.agentworkspace.project;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/** A project was registered; its workspace clone starts from here. */
@Revision("1")
public record ProjectRegistered(String projectId, String name, String sourceKind, String source, Instant registeredAt) {
}
