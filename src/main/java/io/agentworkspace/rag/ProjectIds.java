package io.agentworkspace.rag;


import io.agentworkspace.infrastructure.Ids;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.project.ProjectView;
import io.agentworkspace.project.Projects;
import reactor.core.publisher.Mono;

/** The project a request names: a UUID of a registered project, or a clear refusal. */
final class ProjectIds {

    private ProjectIds() {
    }

    static Mono<ProjectView> existing(Projects projects, String projectId) {
        if (!Ids.isUuid(projectId)) {
            return Mono.error(RejectedCommand.invalid("invalid-project-id", "id", "id must be a UUID"));
        }
        return projects.byId(projectId)
                .switchIfEmpty(Mono.error(() -> RejectedCommand.notFound("project-not-found", "No project " + projectId + ".")));
    }
}
