package io.agentworkspace.run.tool;

import java.util.Map;

/** A tool as the model is told of it: name, what it does, its parameters as JSON Schema. */
public record ToolSpec(String name, String description, Map<String, Object> parameters) {
}
