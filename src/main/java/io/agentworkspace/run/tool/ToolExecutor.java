package io.agentworkspace.run.tool;

import java.util.List;

/** The tools of one run, bound to its workspace and lease. {@link #execute} blocks: call it off event loops. */
public interface ToolExecutor {

    List<ToolSpec> specs();

    ToolResult execute(ToolCall call);
}
