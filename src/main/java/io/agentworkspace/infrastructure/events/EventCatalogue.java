package io.agentworkspace.infrastructure.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.lang.Nullable;

/**
 * The versioned event catalogue ({@code events/} in the repository, shipped in the jar): one JSON Schema per event
 * type and revision, each with an example. Schemas name their Java type and revision with {@code x-java-type} and
 * {@code x-revision}.
 */
public final class EventCatalogue {

    public record Entry(String javaType, String revision, String location, JsonSchema schema, @Nullable JsonNode example) {
    }

    private static final String SCHEMAS = "classpath*:events/**/*.schema.json";
    private final Map<String, Entry> entries;

    private EventCatalogue(Map<String, Entry> entries) {
        this.entries = entries;
    }

    public static EventCatalogue load() {
        ObjectMapper json = new ObjectMapper();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        Map<String, Entry> entries = new TreeMap<>();
        try {
            for (Resource resource : resolver.getResources(SCHEMAS)) {
                JsonNode schemaNode = read(json, resource);
                String javaType = schemaNode.path("x-java-type").asText(null);
                String revision = schemaNode.path("x-revision").asText(null);
                if (javaType == null || revision == null) {
                    throw new IllegalStateException(resource.getDescription() + " lacks x-java-type or x-revision");
                }
                Resource exampleResource = resource.createRelative(
                        resource.getFilename().replace(".schema.json", ".example.json"));
                JsonNode example = exampleResource.exists() ? read(json, exampleResource) : null;
                Entry entry = new Entry(javaType, revision, resource.getDescription(), factory.getSchema(schemaNode), example);
                if (entries.put(key(javaType, revision), entry) != null) {
                    throw new IllegalStateException("two schemas for " + javaType + " revision " + revision);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the event catalogue", e);
        }
        return new EventCatalogue(entries);
    }

    private static JsonNode read(ObjectMapper json, Resource resource) throws IOException {
        try (InputStream in = resource.getInputStream()) {
            return json.readTree(in);
        }
    }

    private static String key(String javaType, @Nullable String revision) {
        return javaType + "#" + revision;
    }

    @Nullable
    public Entry entry(String javaType, @Nullable String revision) {
        return entries.get(key(javaType, revision));
    }

    public Collection<Entry> entries() {
        return entries.values().stream().sorted(Comparator.comparing(Entry::location)).toList();
    }

    /** Every way the payload breaks its schema; empty when it conforms. */
    public List<String> violations(String javaType, @Nullable String revision, JsonNode payload) {
        Entry entry = entry(javaType, revision);
        if (entry == null) {
            return List.of("no schema in events/ for " + javaType + " revision " + revision);
        }
        return entry.schema().validate(payload).stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
