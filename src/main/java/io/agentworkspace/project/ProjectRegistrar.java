package io.agentworkspace.project;

import java.time.Clock;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Repository;
import org.springframework.stereotype.Component;

/**
 * Handles registration: the checks that need the outside world (the disk, the name claims), then the new
 * aggregate. Runs inside the command's transaction, so a refusal leaves no trace.
 */
@Component
class ProjectRegistrar {

    private final Repository<Project> projects;
    private final ProjectNames names;
    private final LocalRepositories localRepositories;
    private final Clock clock;

    ProjectRegistrar(Repository<Project> projects, ProjectNames names, LocalRepositories localRepositories, Clock clock) {
        this.projects = projects;
        this.names = names;
        this.localRepositories = localRepositories;
        this.clock = clock;
    }

    @CommandHandler
    String handle(RegisterProject command) throws Exception {
        localRepositories.verify(command.source());
        names.claim(command.name(), command.projectId());
        projects.newInstance(() -> new Project(command, clock.instant()));
        return command.projectId();
    }
}
