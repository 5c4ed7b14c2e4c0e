package io.agentworkspace.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/** projections/*.json says what each projection consumes and owns; this keeps it true to the code and schema. */
class ProjectionManifestTest {

    private final PathMatchingResourcePatternResolver resources = new PathMatchingResourcePatternResolver();

    @Test
    void everyProjectionHasAManifestThatMatchesItsHandlersAndTables() throws Exception {
        Map<String, JsonNode> manifests = manifests();
        Map<String, Class<?>> projections = projectionClasses();
        assertThat(projections).as("projection classes").isNotEmpty();
        assertThat(manifests.keySet()).as("a manifest per projection, and no manifest without one")
                .containsExactlyInAnyOrderElementsOf(projections.keySet());

        String h2 = migrations("h2");
        String mysql = migrations("mysql");
        for (var projection : projections.entrySet()) {
            JsonNode manifest = manifests.get(projection.getKey());
            Set<String> consumed = new TreeSet<>();
            manifest.get("consumes").forEach(node -> consumed.add(node.asText()));
            assertThat(consumed).as("events consumed by " + projection.getKey())
                    .isEqualTo(handledEvents(projection.getValue()));
            assertThat(manifest.get("version").asInt()).isPositive();
            assertThat(manifest.path("rebuildable").isBoolean()).as(projection.getKey() + " says whether it is rebuildable").isTrue();
            if (manifest.get("rebuildable").asBoolean()) {
                assertRebuildable(projection.getValue(), manifest.get("tables"));
            }
            for (JsonNode table : manifest.get("tables")) {
                assertThat(h2).as("H2 migrations create " + table).containsIgnoringCase("CREATE TABLE " + table.asText() + " ");
                assertThat(mysql).as("MySQL migrations create " + table).containsIgnoringCase("CREATE TABLE " + table.asText() + " ");
            }
        }
    }

    /**
     * A rebuild maps tables through ProjectionTables: a handler naming a table literally would write the live one.
     * And every projection writes through ProjectionWriter, so its writes are batched live and in a rebuild alike.
     */
    private static void assertRebuildable(Class<?> projection, JsonNode tables) throws IOException {
        String source = java.nio.file.Files.readString(java.nio.file.Path.of("src/main/java",
                projection.getName().replace('.', '/') + ".java")).replaceAll("\\s+", " ");
        assertThat(source).as(projection.getSimpleName() + " names its tables through ProjectionTables")
                .contains("ProjectionTables.of(");
        assertThat(source).as(projection.getSimpleName() + " writes through ProjectionWriter")
                .contains("ProjectionWriter").doesNotContain("JdbcTemplate");
        for (JsonNode table : tables) {
            for (String statement : List.of("INTO ", "UPDATE ", "FROM ")) {
                assertThat(source).as(projection.getSimpleName() + " has no literal " + statement + table.asText())
                        .doesNotContainIgnoringCase(statement + table.asText() + " ");
            }
        }
    }

    private Map<String, JsonNode> manifests() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> manifests = new HashMap<>();
        for (Resource resource : resources.getResources("classpath*:projections/*.json")) {
            JsonNode manifest = json.readTree(resource.getInputStream());
            manifests.put(manifest.get("processingGroup").asText(), manifest);
        }
        return manifests;
    }

    /** Processing groups whose handler class is a projection (builds a read model), by naming convention. */
    private static Map<String, Class<?>> projectionClasses() throws ClassNotFoundException {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ProcessingGroup.class));
        Map<String, Class<?>> projections = new HashMap<>();
        for (var definition : scanner.findCandidateComponents("io.agentworkspace")) {
            Class<?> type = Class.forName(definition.getBeanClassName());
            if (type.getSimpleName().endsWith("Projection")) {
                projections.put(type.getAnnotation(ProcessingGroup.class).value(), type);
            }
        }
        return projections;
    }

    private static Set<String> handledEvents(Class<?> projection) {
        return Arrays.stream(projection.getDeclaredMethods())
                .filter(method -> method.isAnnotationPresent(EventHandler.class))
                .map(method -> method.getParameterTypes()[0])
                .flatMap(ProjectionManifestTest::eventTypes)
                .map(Class::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A handler of a sealed interface handles each event type it permits; the manifest names those. */
    private static java.util.stream.Stream<Class<?>> eventTypes(Class<?> handled) {
        return handled.isSealed() ? Arrays.stream(handled.getPermittedSubclasses()).flatMap(ProjectionManifestTest::eventTypes)
                : java.util.stream.Stream.of(handled);
    }

    private String migrations(String dialect) throws IOException {
        List<String> scripts = new ArrayList<>();
        for (Resource resource : resources.getResources("classpath:db/migration/" + dialect + "/*.sql")) {
            scripts.add(resource.getContentAsString(StandardCharsets.UTF_8).replaceAll("\\s+", " "));
        }
        return String.join("\n", scripts);
    }
}
