package io.agentworkspace.projection;

import java.util.Map;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

/**
 * The physical table a projection handler writes for one of its logical tables. Live processing writes the tables
 * of the manifest; a rebuild runs the same handlers in a unit of work that maps each table to its shadow, so every
 * projection gets a zero-downtime rebuild by naming its tables through here, with no code of its own.
 */
public final class ProjectionTables {

    static final String RESOURCE = ProjectionTables.class.getName();

    private ProjectionTables() {
    }

    /** The table to write for {@code logical} in the unit of work being handled. */
    public static String of(String logical) {
        if (CurrentUnitOfWork.isStarted()
                && CurrentUnitOfWork.get().root().getResource(RESOURCE) instanceof Map<?, ?> targets
                && targets.get(logical) instanceof String target) {
            return target;
        }
        return logical;
    }
}
