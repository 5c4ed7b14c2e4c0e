package io.agentworkspace.snapshot;

import java.util.LinkedHashMap;
import java.util.Map;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.springframework.stereotype.Component;

import io.agentworkspace.console.ConsoleBridge;
import io.agentworkspace.console.ConsoleChannels;

/**
 * Shows a project's snapshots live on {@code private-project.{projectId}}, in the order they happen (requested,
 * then created or failed; restored or restore-failed; deleted); failures also on {@code private-ops}. A restore's
 * lists of paths are left out (the counts stay): they may not fit one console event.
 */
@Component
@ProcessingGroup(SnapshotConsoleBridge.PROCESSOR)
class SnapshotConsoleBridge {

    static final String PROCESSOR = "console-bridge-snapshots";

    private final ConsoleBridge bridge;

    SnapshotConsoleBridge(ConsoleBridge bridge) {
        this.bridge = bridge;
    }

    @EventHandler
    void on(SnapshotRequested event, @MessageIdentifier String id) {
        bridge.forward(id, ConsoleChannels.project(event.projectId()), "snapshot.requested", event);
    }

    @EventHandler
    void on(SnapshotCreated event, @MessageIdentifier String id) {
        bridge.forward(id, ConsoleChannels.project(event.projectId()), "snapshot.created", event);
    }

    @EventHandler
    void on(SnapshotFailed event, @MessageIdentifier String id) {
        bridge.forward(id, ConsoleChannels.project(event.projectId()), "snapshot.failed", event);
        bridge.forward(id + ":ops", ConsoleChannels.OPS, "snapshot.failed", event);
    }

    @EventHandler
    void on(SnapshotRestored event, @MessageIdentifier String id) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("snapshotId", event.snapshotId());
        payload.put("projectId", event.projectId());
        payload.put("restoreId", event.restoreId());
        payload.put("restoredBy", event.restoredBy());
        payload.put("commitBefore", event.commitBefore());
        payload.put("commitAfter", event.commitAfter());
        payload.put("added", event.added());
        payload.put("modified", event.modified());
        payload.put("removed", event.removed());
        payload.put("restoredAt", event.restoredAt());
        bridge.forward(id, ConsoleChannels.project(event.projectId()), "snapshot.restored", payload);
    }

    @EventHandler
    void on(SnapshotRestoreFailed event, @MessageIdentifier String id) {
        bridge.forward(id, ConsoleChannels.project(event.projectId()), "snapshot.restore-failed", event);
        bridge.forward(id + ":ops", ConsoleChannels.OPS, "snapshot.restore-failed", event);
    }

    @EventHandler
    void on(SnapshotDeleted event, @MessageIdentifier String id) {
        bridge.forward(id, ConsoleChannels.project(event.projectId()), "snapshot.deleted", event);
    }
}
