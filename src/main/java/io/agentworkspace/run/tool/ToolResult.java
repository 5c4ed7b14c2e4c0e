package io.agentworkspace.run.tool;

import java.util.List;

/**
 * What a tool call gave back to the model: its output, or with {@code ok} false the reason it was refused or
 * failed. {@code written} lists the workspace paths the call changed.
 */
public record ToolResult(boolean ok, String output, List<String> written) {

    public static ToolResult ok(String output) {
        return new ToolResult(true, output, List.of());
    }

    public static ToolResult error(String output) {
        return new ToolResult(false, output, List.of());
    }
}
