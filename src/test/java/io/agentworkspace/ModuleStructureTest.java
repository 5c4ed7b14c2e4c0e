package io.agentworkspace;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The modules of docs/architecture.md are the modules of the code: no cycles, and a module reaches into another
 * only through its public top-level package. Also writes the module diagrams to target/spring-modulith-docs.
 */
class ModuleStructureTest {

    private final ApplicationModules modules = ApplicationModules.of(AgentWorkspaceApplication.class);

    @Test
    void modulesRespectTheirBoundaries() {
        modules.verify();
    }

    @Test
    void writesModuleDocumentation() {
        new Documenter(modules).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
    }
}
