package io.agentworkspace.infrastructure.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
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
}
