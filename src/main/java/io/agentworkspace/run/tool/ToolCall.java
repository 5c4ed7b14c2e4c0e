package io.agentworkspace.run.tool;

/** A call the model made: its id in the conversation, the tool's name and the arguments as JSON text. */
public record ToolCall(String callId, String name, String arguments) {
}
