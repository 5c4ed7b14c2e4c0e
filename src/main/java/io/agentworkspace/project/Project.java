package io.agentworkspace.project;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Instant;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * A registered project. It decides whether a clone outcome is news: the first outcome of a clone is recorded,
 * repeats (a clone job retried after a crash) are ignored.
 */
@Aggregate
class Project {

    enum Workspace { CLONING, READY, FAILED }

    @AggregateIdentifier
    private String projectId;
    private Workspace workspace;

    protected Project() {
    }

    Project(RegisterProject command, Instant at) {
        apply(new ProjectRegistered(command.projectId(), command.name(), command.source().kind().wireName(),
                command.source().location(), at, command.registeredBy()));
    }

    @CommandHandler
    void handle(RecordWorkspaceCloned command) {
        if (workspace == Workspace.CLONING) {
            apply(new WorkspaceCloned(projectId, command.headCommit(), command.branch(), command.fencingToken(),
                    command.clonedAt()));
        }
    }

    @CommandHandler
    void handle(RecordWorkspaceCloneFailed command) {
        if (workspace == Workspace.CLONING) {
            apply(new WorkspaceCloneFailed(projectId, command.reason(), command.failedAt()));
        }
    }

    @EventSourcingHandler
    void on(ProjectRegistered event) {
        projectId = event.projectId();
        workspace = Workspace.CLONING;
    }

    @EventSourcingHandler
    void on(WorkspaceCloned event) {
        workspace = Workspace.READY;
    }

    @EventSourcingHandler
    void on(WorkspaceCloneFailed event) {
        workspace = Workspace.FAILED;
    }
}
