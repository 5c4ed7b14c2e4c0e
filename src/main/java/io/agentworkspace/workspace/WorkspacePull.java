package io.agentworkspace.workspace;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/** One pull of a workspace from its origin, identified by its own id; it records the pull's single outcome. */
@Aggregate
class WorkspacePull {

    @AggregateIdentifier
    private String pullId;

    protected WorkspacePull() {
    }

    @CommandHandler
    WorkspacePull(RecordWorkspacePull command) {
        if ((command.pulled() == null) == (command.failed() == null)) {
            throw new IllegalArgumentException("a pull has exactly one outcome");
        }
        apply(command.pulled() != null ? command.pulled() : command.failed());
    }

    @EventSourcingHandler
    void on(WorkspacePulled event) {
        pullId = event.pullId();
    }

    @EventSourcingHandler
    void on(WorkspacePullFailed event) {
        pullId = event.pullId();
    }
}
