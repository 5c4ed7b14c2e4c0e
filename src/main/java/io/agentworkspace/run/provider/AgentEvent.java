package io.agentworkspace.run.provider;

import org.springframework.lang.Nullable;

/** What a provider reports while an agent runs, in order. */
public sealed interface AgentEvent {

    /** Streamed text of the model, as it arrives. */
    record TextDelta(String text) implements AgentEvent {
    }

    /** The model called a tool (arguments as JSON text). */
    record ToolCalled(String callId, String name, String arguments) implements AgentEvent {
    }

    /** A tool call's result, as the model gets it. */
    record ToolReturned(String callId, String name, boolean ok, String output) implements AgentEvent {
    }

    /** Tokens used since the previous Usage; a provider that prices itself also reports the cost. */
    record Usage(long inputTokens, long outputTokens, @Nullable Double reportedCostUsd) implements AgentEvent {
    }

    /** A file the agent changed by means the run does not see itself (Claude Code's own tools). */
    record FileChanged(String path) implements AgentEvent {
    }

    /** One model turn ended. */
    record TurnEnded(int turn) implements AgentEvent {
    }

    /** The agent finished its work; the last event of a successful run. */
    record Finished(String stopReason) implements AgentEvent {
    }
}
