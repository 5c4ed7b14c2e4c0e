package io.agentworkspace.infrastructure.observability;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.ExecutionResult;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.lang.Nullable;

/**
 * Axon's part of a trace: a span per command handled, per event appended (from its publication to the commit of
 * its transaction) and per event handled by each processor. The appended event carries its append span as
 * {@code traceparent} in its metadata, so every processor that reads it later (on this node or another) continues
 * the trace under the append; an event handled long after it was stored makes no span.
 */
@Configuration(proxyBeanMethods = false)
class AxonTracing {

    @Bean
    InitializingBean tracedCommandsAndAppends(CommandBus commands, EventBus events, Traces traces) {
        return () -> {
            if (traces.enabled()) {
                commands.registerHandlerInterceptor(new CommandSpans(traces));
                events.registerDispatchInterceptor(new AppendSpans(traces));
            }
        };
    }

    @Bean
    ConfigurerModule tracedEventHandlers(Traces traces) {
        return configurer -> configurer.eventProcessing(processing -> processing.registerDefaultHandlerInterceptor(
                (config, processor) -> traces.enabled() ? new HandlerSpans(traces, processor) : NO_SPANS));
    }

    private static final String SPAN = AxonTracing.class.getName() + ".span";
    private static final MessageHandlerInterceptor<EventMessage<?>> NO_SPANS = (unitOfWork, chain) -> chain.proceed();

    static final class CommandSpans implements MessageHandlerInterceptor<CommandMessage<?>> {

        private final Traces traces;

        CommandSpans(Traces traces) {
            this.traces = traces;
        }

        @Override
        public Object handle(UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain chain)
                throws Exception {
            String name = simpleName(unitOfWork.getMessage().getCommandName());
            Span span = traces.child("command " + name).tag("agent.command", name);
            // Axon publishes the events when the unit of work commits, after the handler returned: the span lasts
            // until then and is found there through the unit of work
            unitOfWork.resources().put(SPAN, span);
            unitOfWork.onRollback(rolledBack -> markRolledBack(span, rolledBack));
            unitOfWork.onCleanup(done -> span.end());
            try (Tracer.SpanInScope scope = traces.scope(span)) {
                return chain.proceed();
            }
        }
    }

    static final class AppendSpans implements MessageDispatchInterceptor<EventMessage<?>> {

        private final Traces traces;

        AppendSpans(Traces traces) {
            this.traces = traces;
        }

        @Override
        public BiFunction<Integer, EventMessage<?>, EventMessage<?>> handle(List<? extends EventMessage<?>> messages) {
            return (index, message) -> {
                String type = message.getPayloadType().getSimpleName();
                Span command = commandOf(CurrentUnitOfWork.isStarted() ? CurrentUnitOfWork.get() : null);
                Span span = (command != null ? traces.childOf(command, "append " + type) : traces.child("append " + type))
                        .tag("agent.event", type);
                String traceparent = traces.traceparent(span);
                if (CurrentUnitOfWork.isStarted()) {
                    UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get();
                    unitOfWork.onRollback(rolledBack -> markRolledBack(span, rolledBack));
                    unitOfWork.onCleanup(done -> span.end());
                } else {
                    span.end();
                }
                return traceparent == null ? message : message.andMetaData(Map.of(Traces.TRACEPARENT, traceparent));
            };
        }
    }

    static final class HandlerSpans implements MessageHandlerInterceptor<EventMessage<?>> {

        /**
         * An event handled longer than this after it was stored is history being caught up on (a processor added
         * to a long history, the Kafka export from position 0): a span would join a trace that ended long ago and
         * cost more than the handler, so none is made.
         */
        static final Duration CATCHING_UP = Duration.ofMinutes(1);

        private final Traces traces;
        private final String processor;

        HandlerSpans(Traces traces, String processor) {
            this.traces = traces;
            this.processor = processor;
        }

        @Override
        public Object handle(UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain)
                throws Exception {
            EventMessage<?> event = unitOfWork.getMessage();
            if (event.getTimestamp().isBefore(Instant.now().minus(CATCHING_UP))) {
                return chain.proceed();
            }
            Object traceparent = event.getMetaData().get(Traces.TRACEPARENT);
            String type = event.getPayloadType().getSimpleName();
            Span span = traces.continuing(traceparent instanceof String text ? text : null, processor + " " + type,
                    Span.Kind.CONSUMER).tag("agent.processor", processor).tag("agent.event", type);
            try (Tracer.SpanInScope scope = traces.scope(span)) {
                return chain.proceed();
            } catch (Exception | Error failure) {
                span.error(failure);
                throw failure;
            } finally {
                span.end();
            }
        }
    }

    /**
     * Marks the span of a unit of work that rolled back. A rollback handler must never throw: Axon would skip the
     * handlers after it (the transaction's own rollback, the unit of work's timeout), and a unit of work rolled back
     * by a failure has no execution result (the failure is not recorded there).
     */
    static void markRolledBack(Span span, UnitOfWork<?> unitOfWork) {
        try {
            ExecutionResult result = unitOfWork.getExecutionResult();
            if (result != null && result.isExceptionResult()) {
                span.error(result.getExceptionResult());
            } else {
                span.tag("error", "rolled back");
            }
        } catch (RuntimeException ignored) {
            // the span is only a record; the rollback goes on
        }
    }

    /** The span of the command whose unit of work (or an enclosing one) is publishing. */
    @Nullable
    private static Span commandOf(@Nullable UnitOfWork<?> unitOfWork) {
        for (UnitOfWork<?> current = unitOfWork; current != null; current = current.parent().orElse(null)) {
            if (current.getResource(SPAN) instanceof Span span) {
                return span;
            }
        }
        return null;
    }

    private static String simpleName(String qualified) {
        return qualified.substring(Math.max(qualified.lastIndexOf('.'), qualified.lastIndexOf('$')) + 1);
    }
}
