package io.agentworkspace.rag;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * Search as a tool an agent can call during a run: a name, a description and JSON-Schema parameters in the shape
 * the OpenAI and Anthropic tool APIs take, and a call that answers the model with the hits. The run is bound to
 * its project, so the model never chooses which project it searches. Bad arguments are refused like bad HTTP input
 * ({@code RejectedCommand}), for the run to hand back to the model as a tool error.
 */
@Component
public class RagSearchTool {

    public static final String NAME = "search_workspace";
    public static final String DESCRIPTION = "Semantic search over the files of the project's workspace. Returns the "
            + "chunks most similar to the query, best first, each with its path, line range, score and text.";

    private final RagSearch search;

    RagSearchTool(RagSearch search) {
        this.search = search;
    }

    /** The tool's parameters as JSON Schema. */
    public Map<String, Object> parameters() {
        return Map.of("type", "object", "additionalProperties", false, "required", List.of("query"),
                "properties", Map.of(
                        "query", Map.of("type", "string", "description", "What to look for, in words or code"),
                        "k", Map.of("type", "integer", "minimum", 1, "maximum", 50, "default", 8,
                                "description", "How many chunks to return"),
                        "pathPrefix", Map.of("type", "string",
                                "description", "Only files whose workspace-relative path starts with this")));
    }

    /** Runs the tool for a run of {@code projectId} with the model's arguments. */
    public Mono<SearchResult> call(String projectId, JsonNode arguments) {
        String query = arguments.path("query").isTextual() ? arguments.get("query").asText() : null;
        Integer k = arguments.path("k").canConvertToInt() ? Math.min(50, arguments.get("k").asInt()) : 8;
        String prefix = arguments.path("pathPrefix").isTextual() ? arguments.get("pathPrefix").asText() : null;
        return search.search(projectId, query, k, prefix);
    }
}
