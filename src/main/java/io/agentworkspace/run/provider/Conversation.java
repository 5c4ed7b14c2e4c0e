package io.agentworkspace.run.provider;

import java.util.List;

import io.agentworkspace.run.tool.ToolCall;
import io.agentworkspace.run.tool.ToolResult;

/** The messages of a tool-using conversation in one provider's shape. */
interface Conversation {

    void addAssistant(String text, List<ToolCall> calls);

    void addResult(ToolCall call, ToolResult result);
}
