package io.agentworkspace.project;

import java.time.Instant;

import org.axonframework.serialization.Revision;

/**
 * A project was registered; its workspace clone starts from here.
 *
 * @param registeredBy the token id of the caller who registered it; {@code unknown} for registrations recorded
 *                     before revision 2 (upcast by {@link ProjectRegisteredUpcaster})
 */
@Revision("2")
public record ProjectRegistered(String projectId, String name, String sourceKind, String source, Instant registeredAt,
                                String registeredBy) {
}
