package io.agentworkspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The modules of docs/architecture.md are the modules of the code: no cycles, a module reaches into another only
 * through its public top-level package and only when its {@code package-info} allows it, every allowed dependency
 * is used, and the table's dependency column says the same. Also writes the module diagrams to
 * target/spring-modulith-docs.
 */
class ModuleStructureTest {

    private static final Pattern TABLE_ROW = Pattern.compile("^\\| `(\\w+)` \\|.*\\| ([^|]+) \\|$", Pattern.MULTILINE | Pattern.DOTALL);

    private final ApplicationModules modules = ApplicationModules.of(AgentWorkspaceApplication.class);

    @Test
    void modulesRespectTheirBoundaries() {
        modules.verify();
    }

    @Test
    void declaredDependenciesAreTheUsedOnesAndTheArchitectureTableSaysTheSame() throws Exception {
        Map<String, Set<String>> documented = documentedDependencies();
        Map<String, Set<String>> used = new TreeMap<>();
        Map<String, Set<String>> declared = new TreeMap<>();
        modules.forEach(module -> {
            String name = module.getIdentifier().toString();
            used.put(name, module.getDirectDependencies(modules).uniqueModules()
                    .map(dependency -> dependency.getIdentifier().toString()).collect(Collectors.toCollection(TreeSet::new)));
            declared.put(name, allowedDependencies(module.getBasePackage().getName()));
        });
        declared.put("infrastructure", used.get("infrastructure"));  // the open module: nothing to allow
        assertThat(declared).as("allowedDependencies in each package-info.java").isEqualTo(used);
        assertThat(documented).as("the dependency column of docs/architecture.md").isEqualTo(used);
    }

    @Test
    void writesModuleDocumentation() {
        new Documenter(modules).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
    }

    private static Set<String> allowedDependencies(String basePackage) {
        try {
            ApplicationModule module = Class.forName(basePackage + ".package-info").getAnnotation(ApplicationModule.class);
            return module == null ? Set.of("(no @ApplicationModule)") : new TreeSet<>(Arrays.asList(module.allowedDependencies()));
        } catch (ClassNotFoundException missing) {
            return Set.of("(no package-info)");
        }
    }

    /** Module rows of the table (a row may wrap) and their last column. */
    private static Map<String, Set<String>> documentedDependencies() throws Exception {
        String document = Files.readString(Path.of("docs/architecture.md"));
        Map<String, Set<String>> rows = new TreeMap<>();
        for (String row : document.split("\n(?=\\| `)|\n(?=\n)")) {
            Matcher matcher = TABLE_ROW.matcher(row.strip());
            if (matcher.matches()) {
                String column = matcher.group(2).strip();
                rows.put(matcher.group(1), column.equals("—") ? new TreeSet<>()
                        : Arrays.stream(column.split(",")).map(String::strip).collect(Collectors.toCollection(TreeSet::new)));
            }
        }
        return rows;
    }
}
