package io.agentworkspace.run.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.agentworkspace.run.tool.ToolCall;

/** What one model turn said: its text, the tool calls it made, why it stopped, and whether it ended properly. */
final class Turn {

    final StringBuilder text = new StringBuilder();
    final List<ToolCall> calls = new ArrayList<>();
    String stopReason = "end_turn";
    boolean completed;
    /** Tool calls still streaming, by the wire's item id or block index: call id, name, arguments so far. */
    final Map<String, String[]> callsInProgress = new LinkedHashMap<>();
    /** The highest sequence number seen, for wire formats that number their events. */
    long lastSequence = -1;
    /** Output tokens of this turn already reported, for wire formats that send running totals. */
    long outputTokensSeen;
}
