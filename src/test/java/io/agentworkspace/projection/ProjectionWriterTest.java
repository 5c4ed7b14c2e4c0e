package io.agentworkspace.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

class ProjectionWriterTest {

    private final List<String> executions = new ArrayList<>();
    private JdbcTemplate jdbc;
    private TransactionTemplate transactions;
    private ProjectionWriter writer;

    @BeforeEach
    void database() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        DataSource counted = counting(h2);
        jdbc = new JdbcTemplate(counted);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(counted));
        jdbc.execute("CREATE TABLE rows_written (id INT PRIMARY KEY, label VARCHAR(20))");
        executions.clear();
        writer = new ProjectionWriter(jdbc);
    }

    @Test
    void aBatchsWritesReachTheDatabaseInOrderAsOneJdbcBatchPerRunOfTheSameStatement() {
        handle(5, i -> {
            writer.update("INSERT INTO rows_written (id, label) VALUES (?, ?)", i, "new");
            if (i == 2) {
                writer.update("UPDATE rows_written SET label = ? WHERE id = ?", "changed", 1);
            }
            if (i == 4) {
                writer.update("UPDATE rows_written SET label = ? WHERE id = ?", "last", 4);
            }
        });

        // inserts 0-2 | update 1 | inserts 3-4 | update 4: the update of row 4 must not run before its insert
        assertThat(executions).containsExactly("batch of 3", "update", "batch of 2", "update");
        assertThat(jdbc.queryForList("SELECT label FROM rows_written ORDER BY id", String.class))
                .containsExactly("new", "changed", "new", "new", "last");
    }

    @Test
    void writesThatNameTheirRowRunInRoundsOneBatchPerStatementEachRowInItsOrder() {
        // as runs do: each row inserted, then updated twice, interleaved with the other rows
        handle(6, i -> {
            writer.updateRow("row-" + i, "INSERT INTO rows_written (id, label) VALUES (?, ?)", i, "new");
            writer.updateRow("row-" + i, "UPDATE rows_written SET label = ? WHERE id = ?", "started", i);
            writer.updateRow("row-" + i, "UPDATE rows_written SET label = CONCAT(label, ?) WHERE id = ?", " and ended", i);
        });

        assertThat(executions).containsExactly("batch of 6", "batch of 6", "batch of 6");
        assertThat(jdbc.queryForList("SELECT label FROM rows_written ORDER BY id", String.class))
                .containsOnly("started and ended").hasSize(6);
    }

    @Test
    void aWriteThatNamesNoRowIsABarrierTheRowsWritesDoNotCross() {
        handle(4, i -> {
            writer.updateRow("row-" + i, "INSERT INTO rows_written (id, label) VALUES (?, ?)", i, "before");
            if (i == 1) {
                writer.update("UPDATE rows_written SET label = ?", "reset");
            }
            if (i == 3) {
                writer.updateRow("row-0", "UPDATE rows_written SET label = ? WHERE id = ?", "after", 0);
            }
        });

        // rows 0-1 | the reset of every row | rows 2-3, then the update of row 0 (after the reset, as it was made)
        assertThat(executions).containsExactly("batch of 2", "update", "batch of 2", "update");
        assertThat(jdbc.queryForList("SELECT label FROM rows_written ORDER BY id", String.class))
                .containsExactly("after", "reset", "before", "before");
    }

    @Test
    void aFailingWriteRollsTheWholeBatchBack() {
        Throwable failure = null;
        try {
            handle(4, i -> writer.update("INSERT INTO rows_written (id, label) VALUES (?, ?)", i == 3 ? 0 : i, "dup"));
        } catch (RuntimeException e) {
            failure = e;
        }

        assertThat(failure).isNotNull();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM rows_written", Integer.class)).isZero();
    }

    @Test
    void outsideAUnitOfWorkAWriteRunsAtOnce() {
        writer.update("INSERT INTO rows_written (id, label) VALUES (?, ?)", 1, "now");

        assertThat(executions).containsExactly("update");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM rows_written", Integer.class)).isEqualTo(1);
    }

    /** As a processor or a rebuild handles a batch: one transaction, one unit of work, the handler per message. */
    private void handle(int messages, Consumer<Integer> handler) {
        List<EventMessage<?>> batch = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            batch.add(GenericEventMessage.asEventMessage(i));
        }
        transactions.executeWithoutResult(status -> {
            BatchingUnitOfWork<EventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(batch);
            ResultMessage<?> result = unitOfWork.executeWithResult(() -> {
                handler.accept((Integer) unitOfWork.getMessage().getPayload());
                return null;
            }, RollbackConfigurationType.ANY_THROWABLE);
            if (result.isExceptional()) {
                throw new IllegalStateException(result.exceptionResult());
            }
        });
    }

    /** The data source, noting each statement execution that writes: "update" or "batch of n". */
    private DataSource counting(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                forwarding(target, (method, result) -> result instanceof Connection connection
                        ? (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                        forwarding(connection, (inner, statement) -> statement instanceof PreparedStatement prepared
                                ? countingStatement(prepared) : statement))
                        : result));
    }

    private PreparedStatement countingStatement(PreparedStatement target) {
        int[] added = {0};
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "addBatch" -> added[0]++;
                        case "executeBatch", "executeLargeBatch" -> executions.add("batch of " + added[0]);
                        case "executeUpdate", "executeLargeUpdate" -> executions.add("update");
                        default -> {
                        }
                    }
                    return invoke(target, method, args);
                });
    }

    private interface Wrapping {
        Object wrap(java.lang.reflect.Method method, Object result);
    }

    private static InvocationHandler forwarding(Object target, Wrapping wrapping) {
        return (proxy, method, args) -> wrapping.wrap(method, invoke(target, method, args));
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
