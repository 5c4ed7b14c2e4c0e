package io.agentworkspace.run;

import java.util.List;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

import io.agentworkspace.infrastructure.observability.Traces;
import io.agentworkspace.run.tool.ToolCall;
import io.agentworkspace.run.tool.ToolExecutor;
import io.agentworkspace.run.tool.ToolResult;
import io.agentworkspace.run.tool.ToolSpec;

/** A run's tools, each call a span under the provider stream that asked for it (on whatever thread runs it). */
final class TracedTools implements ToolExecutor {

    private final ToolExecutor tools;
    private final Traces traces;
    private final Span stream;

    TracedTools(ToolExecutor tools, Traces traces, Span stream) {
        this.tools = tools;
        this.traces = traces;
        this.stream = stream;
    }

    @Override
    public List<ToolSpec> specs() {
        return tools.specs();
    }

    @Override
    public ToolResult execute(ToolCall call) {
        Span span = traces.childOf(stream, "tool " + call.name()).tag("agent.tool", call.name());
        try (Tracer.SpanInScope scope = traces.scope(span)) {
            ToolResult result = tools.execute(call);
            if (!result.ok()) {
                span.tag("agent.tool.refused", "true");
            }
            return result;
        } catch (RuntimeException failure) {
            span.error(failure);
            throw failure;
        } finally {
            span.end();
        }
    }
}
