package io.agentworkspace.rag;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.axon.Commands;
import io.agentworkspace.project.WorkspaceCloned;
import io.agentworkspace.snapshot.SnapshotRestored;
import io.agentworkspace.workspace.WorkspacePulled;

/**
 * Asks for an index run when a workspace's content changes under it: after its clone (if
 * {@code agent.rag.index-on-clone}), after a snapshot restore, and after a pull that moved the branch. The
 * run id derives from the triggering event's id, so a redelivered event asks for the same run, not a second one.
 */
@Component
@ProcessingGroup(RagIndexTriggers.PROCESSOR)
class RagIndexTriggers {

    static final String PROCESSOR = "rag-index-triggers";
    static final String SYSTEM = "system";

    private final Commands commands;
    private final EventStore eventStore;
    private final RagSettings settings;

    RagIndexTriggers(Commands commands, EventStore eventStore, RagSettings settings) {
        this.commands = commands;
        this.eventStore = eventStore;
        this.settings = settings;
    }

    @EventHandler
    void on(WorkspaceCloned cloned, @MessageIdentifier String eventId) {
        if (settings.indexOnClone()) {
            request(cloned.projectId(), "workspace-cloned", eventId);
        }
    }

    @EventHandler
    void on(SnapshotRestored restored, @MessageIdentifier String eventId) {
        request(restored.projectId(), "snapshot-restored", eventId);
    }

    @EventHandler
    void on(WorkspacePulled pulled, @MessageIdentifier String eventId) {
        if (pulled.updated()) {
            request(pulled.projectId(), "workspace-pulled", eventId);
        }
    }

    private void request(String projectId, String reason, String eventId) {
        String runId = UUID.nameUUIDFromBytes(("rag-index:" + eventId).getBytes(StandardCharsets.UTF_8)).toString();
        if (eventStore.readEvents(runId).asStream().findAny().isEmpty()) {
            commands.sendAndWait(new RequestRagIndex(runId, projectId, reason, SYSTEM));
        }
    }
}
