package io.agentworkspace.infrastructure.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;

class AxonTracingTest {

    /**
     * A refused command rolls its unit of work back without an execution result; the span's rollback handler must
     * let Axon's own handlers run after it (the transaction's rollback, the unit of work's timeout, registered first).
     */
    @Test
    void aRefusedCommandRollsBackThroughEveryOtherHandler() throws Exception {
        DefaultUnitOfWork<CommandMessage<?>> unitOfWork =
                DefaultUnitOfWork.startAndGet(GenericCommandMessage.asCommandMessage("refused"));
        List<String> rolledBack = new ArrayList<>();
        unitOfWork.onRollback(done -> rolledBack.add("transaction"));
        AxonTracing.CommandSpans spans = new AxonTracing.CommandSpans(Traces.off());

        ResultMessage<Object> result = unitOfWork.executeWithResult(() -> spans.handle(unitOfWork, () -> {
            throw new IllegalStateException("refused by the aggregate");
        }));

        assertThat(result.isExceptional()).isTrue();
        assertThat(result.exceptionResult()).hasMessage("refused by the aggregate");
        assertThat(rolledBack).containsExactly("transaction");
    }

    /** A processor catching up on history (the export from position 0) makes no span per old event; live ones get theirs. */
    @Test
    void onlyEventsHandledSoonAfterTheyHappenedGetAHandlerSpan() throws Exception {
        List<String> spans = new ArrayList<>();
        Traces traces = new Traces(Tracer.NOOP, Propagator.NOOP) {
            @Override
            public Span continuing(String traceparent, String name, Span.Kind kind) {
                spans.add(name);
                return super.continuing(traceparent, name, kind);
            }
        };
        AxonTracing.HandlerSpans handlerSpans = new AxonTracing.HandlerSpans(traces, "kafka-export");

        handle(handlerSpans, new GenericEventMessage<>("live"));
        handle(handlerSpans, new GenericEventMessage<>(new GenericEventMessage<>("old").getIdentifier(), "old",
                MetaData.emptyInstance(), Instant.now().minus(AxonTracing.HandlerSpans.CATCHING_UP).minus(Duration.ofSeconds(1))));

        assertThat(spans).containsExactly("kafka-export String");
    }

    private static void handle(AxonTracing.HandlerSpans spans, EventMessage<?> event) throws Exception {
        DefaultUnitOfWork<EventMessage<?>> unitOfWork = DefaultUnitOfWork.startAndGet(event);
        unitOfWork.executeWithResult(() -> spans.handle(unitOfWork, () -> "handled"));
    }
}
