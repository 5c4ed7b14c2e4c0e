package io.agentworkspace.infrastructure.persistence;

import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A connection pool of a driver that blocks underneath (r2dbc-h2 runs embedded H2 on the calling thread), with
 * every call subscribed on a scheduler meant for blocking work, so it is safe to use from a Netty event loop.
 */
final class OffloadedConnectionFactory implements ConnectionFactory, Wrapped<ConnectionFactory>, AutoCloseable {

    private final ConnectionPool delegate;
    private final Scheduler scheduler;

    OffloadedConnectionFactory(ConnectionPool delegate, Scheduler scheduler) {
        this.delegate = delegate;
        this.scheduler = scheduler;
    }

    @Override
    public Publisher<? extends Connection> create() {
        return Mono.from(delegate.create()).subscribeOn(scheduler).map(OffloadedConnection::new);
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return delegate.getMetadata();
    }

    @Override
    public ConnectionFactory unwrap() {
        return delegate;
    }

    @Override
    public void close() {
        delegate.dispose();
    }

    private <T> Mono<T> mono(Publisher<T> publisher) {
        return Mono.from(publisher).subscribeOn(scheduler);
    }

    private <T> Flux<T> flux(Publisher<T> publisher) {
        return Flux.from(publisher).subscribeOn(scheduler);
    }

    private final class OffloadedConnection implements Connection, Wrapped<Connection> {
        private final Connection connection;

        OffloadedConnection(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Connection unwrap() {
            return connection;
        }

        @Override
        public Publisher<Void> beginTransaction() {
            return mono(connection.beginTransaction());
        }

        @Override
        public Publisher<Void> beginTransaction(TransactionDefinition definition) {
            return mono(connection.beginTransaction(definition));
        }

        @Override
        public Publisher<Void> close() {
            return mono(connection.close());
        }

        @Override
        public Publisher<Void> commitTransaction() {
            return mono(connection.commitTransaction());
        }

        @Override
        public Batch createBatch() {
            Batch batch = connection.createBatch();
            return new Batch() {
                @Override
                public Batch add(String sql) {
                    batch.add(sql);
                    return this;
                }

                @Override
                public Publisher<? extends Result> execute() {
                    return flux(batch.execute()).map(OffloadedResult::new);
                }
            };
        }

        @Override
        public Publisher<Void> createSavepoint(String name) {
            return mono(connection.createSavepoint(name));
        }

        @Override
        public Statement createStatement(String sql) {
            return new OffloadedStatement(connection.createStatement(sql));
        }

        @Override
        public boolean isAutoCommit() {
            return connection.isAutoCommit();
        }

        @Override
        public ConnectionMetadata getMetadata() {
            return connection.getMetadata();
        }

        @Override
        public IsolationLevel getTransactionIsolationLevel() {
            return connection.getTransactionIsolationLevel();
        }

        @Override
        public Publisher<Void> releaseSavepoint(String name) {
            return mono(connection.releaseSavepoint(name));
        }

        @Override
        public Publisher<Void> rollbackTransaction() {
            return mono(connection.rollbackTransaction());
        }

        @Override
        public Publisher<Void> rollbackTransactionToSavepoint(String name) {
            return mono(connection.rollbackTransactionToSavepoint(name));
        }

        @Override
        public Publisher<Void> setAutoCommit(boolean autoCommit) {
            return mono(connection.setAutoCommit(autoCommit));
        }

        @Override
        public Publisher<Void> setLockWaitTimeout(Duration timeout) {
            return mono(connection.setLockWaitTimeout(timeout));
        }

        @Override
        public Publisher<Void> setStatementTimeout(Duration timeout) {
            return mono(connection.setStatementTimeout(timeout));
        }

        @Override
        public Publisher<Void> setTransactionIsolationLevel(IsolationLevel level) {
            return mono(connection.setTransactionIsolationLevel(level));
        }

        @Override
        public Publisher<Boolean> validate(ValidationDepth depth) {
            return mono(connection.validate(depth));
        }
    }

    private final class OffloadedStatement implements Statement {
        private final Statement statement;

        OffloadedStatement(Statement statement) {
            this.statement = statement;
        }

        @Override
        public Statement add() {
            statement.add();
            return this;
        }

        @Override
        public Statement bind(int index, Object value) {
            statement.bind(index, value);
            return this;
        }

        @Override
        public Statement bind(String name, Object value) {
            statement.bind(name, value);
            return this;
        }

        @Override
        public Statement bindNull(int index, Class<?> type) {
            statement.bindNull(index, type);
            return this;
        }

        @Override
        public Statement bindNull(String name, Class<?> type) {
            statement.bindNull(name, type);
            return this;
        }

        @Override
        public Publisher<? extends Result> execute() {
            return flux(statement.execute()).map(OffloadedResult::new);
        }

        @Override
        public Statement returnGeneratedValues(String... columns) {
            statement.returnGeneratedValues(columns);
            return this;
        }

        @Override
        public Statement fetchSize(int rows) {
            statement.fetchSize(rows);
            return this;
        }
    }

    private final class OffloadedResult implements Result {
        private final Result result;

        OffloadedResult(Result result) {
            this.result = result;
        }

        @Override
        public Publisher<Long> getRowsUpdated() {
            return flux(result.getRowsUpdated());
        }

        @Override
        public <T> Publisher<T> map(BiFunction<Row, RowMetadata, ? extends T> mapping) {
            return flux(result.map(mapping));
        }

        @Override
        public <T> Publisher<T> map(Function<? super io.r2dbc.spi.Readable, ? extends T> mapping) {
            return flux(result.map(mapping));
        }

        @Override
        public Result filter(Predicate<Segment> filter) {
            return new OffloadedResult(result.filter(filter));
        }

        @Override
        public <T> Publisher<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mapping) {
            return flux(result.flatMap(mapping));
        }
    }
}
