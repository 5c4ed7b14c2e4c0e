package io.agentworkspace.projection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The projections of {@code projections/*.json} (shipped in the jar): name, processing group, version, tables, and
 * whether it can be rebuilt without downtime (its handlers name their tables through {@link ProjectionTables} and
 * have no effect besides their rows).
 */
@Component
public class ProjectionCatalog {

    public record Projection(String name, String processingGroup, int version, boolean rebuildable, List<String> tables,
                             String description) {
    }

    private final List<Projection> projections;

    ProjectionCatalog() {
        this.projections = load();
    }

    public List<Projection> all() {
        return projections;
    }

    public Optional<Projection> named(String name) {
        return projections.stream().filter(projection -> projection.name().equals(name)).findFirst();
    }

    private static List<Projection> load() {
        ObjectMapper json = new ObjectMapper();
        List<Projection> found = new ArrayList<>();
        try {
            for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath*:projections/*.json")) {
                try (InputStream in = resource.getInputStream()) {
                    JsonNode manifest = json.readTree(in);
                    List<String> tables = new ArrayList<>();
                    manifest.get("tables").forEach(table -> tables.add(table.asText()));
                    found.add(new Projection(manifest.get("name").asText(), manifest.get("processingGroup").asText(),
                            manifest.get("version").asInt(),
                            manifest.path("rebuildable").asBoolean(false), List.copyOf(tables), manifest.path("description").asText("")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the projection manifests", e);
        }
        found.sort(Comparator.comparing(Projection::name));
        return List.copyOf(found);
    }
}
