package io.agentworkspace.run.tool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.rag.RagSearchTool;
import io.agentworkspace.rag.SearchResult;

/**
 * The tools of one run: the workspace's own ({@link WorkspaceTools}) and semantic search over the project's RAG
 * index ({@link RagSearchTool}, bound to the run's project). Blocking, like the workspace tools.
 */
public final class RunTools implements ToolExecutor {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SEARCH_TIMEOUT = Duration.ofSeconds(30);

    private final WorkspaceTools workspace;
    private final RagSearchTool search;
    private final String projectId;
    private final int maxResultChars;

    public RunTools(WorkspaceTools workspace, RagSearchTool search, String projectId, int maxResultChars) {
        this.workspace = workspace;
        this.search = search;
        this.projectId = projectId;
        this.maxResultChars = maxResultChars;
    }

    @Override
    public List<ToolSpec> specs() {
        List<ToolSpec> specs = new ArrayList<>(workspace.specs());
        specs.add(new ToolSpec(RagSearchTool.NAME, RagSearchTool.DESCRIPTION, search.parameters()));
        return specs;
    }

    @Override
    public ToolResult execute(ToolCall call) {
        if (!RagSearchTool.NAME.equals(call.name())) {
            return workspace.execute(call);
        }
        JsonNode arguments;
        try {
            arguments = JSON.readTree(call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments());
        } catch (java.io.IOException e) {
            return ToolResult.error("invalid-arguments: the arguments are not JSON");
        }
        if (!arguments.isObject()) {
            return ToolResult.error("invalid-arguments: the arguments must be a JSON object");
        }
        try {
            SearchResult result = search.call(projectId, arguments).block(SEARCH_TIMEOUT);
            return ToolResult.ok(render(result));
        } catch (RejectedCommand refused) {
            return ToolResult.error(refused.problem() + ": " + refused.getMessage());
        } catch (IllegalStateException timedOut) {
            return ToolResult.error("search-failed: " + timedOut.getMessage());
        }
    }

    private String render(SearchResult result) {
        List<Map<String, Object>> hits = new ArrayList<>();
        result.hits().forEach(hit -> hits.add(Map.of("path", hit.path(), "startLine", hit.startLine(),
                "endLine", hit.endLine(), "score", hit.score(), "text", hit.text())));
        try {
            String text = JSON.writeValueAsString(Map.of("indexedChunks", result.indexedChunks(), "hits", hits));
            return text.length() <= maxResultChars ? text : text.substring(0, maxResultChars) + "…[truncated]";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
