package io.agentworkspace.infrastructure.axon;

import java.util.List;

import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;

/**
 * Axon's embedded event store, with one addition: {@link #fetchNow} makes its reader look at the storage at once
 * instead of at its next poll, for events another node appended (this node's own appends wake it already).
 */
final class AgentEventStore extends EmbeddedEventStore {

    AgentEventStore(EmbeddedEventStore.Builder builder) {
        super(builder);
    }

    /** Another node appended: read the storage now. */
    void fetchNow() {
        afterCommit(List.of());
    }
}
