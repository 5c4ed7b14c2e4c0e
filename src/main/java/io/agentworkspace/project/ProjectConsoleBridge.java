package io.agentworkspace.project;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.annotation.MessageIdentifier;
import org.springframework.stereotype.Component;

import io.agentworkspace.console.ConsoleBridge;
import io.agentworkspace.console.ConsoleChannels;

/**
 * Shows the project's domain events live on {@code private-project.{projectId}}; registrations and clone failures
 * also on {@code private-ops}.
 */
@Component
@ProcessingGroup(ProjectConsoleBridge.PROCESSOR)
class ProjectConsoleBridge {

    static final String PROCESSOR = "console-bridge-projects";

    private final ConsoleBridge bridge;

    ProjectConsoleBridge(ConsoleBridge bridge) {
        this.bridge = bridge;
    }

    @EventHandler
    void on(ProjectRegistered event, @MessageIdentifier String id) {
        bridge.forward(id, ConsoleChannels.project(event.projectId()), "project.registered", event);
        bridge.forward(id + ":ops", ConsoleChannels.OPS, "project.registered", event);
    }

    @EventHandler
    void on(WorkspaceCloned event, @MessageIdentifier String id) {
        bridge.forward(id, ConsoleChannels.project(event.projectId()), "project.workspace-cloned", event);
    }

    @EventHandler
    void on(WorkspaceCloneFailed event, @MessageIdentifier String id) {
        bridge.forward(id, ConsoleChannels.project(event.projectId()), "project.workspace-clone-failed", event);
        bridge.forward(id + ":ops", ConsoleChannels.OPS, "project.workspace-clone-failed", event);
    }
}
