package io.agentworkspace.support;

import com.zaxxer.hikari.HikariDataSource;
import org.axonframework.common.jdbc.UnitOfWorkAwareConnectionProviderWrapper;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;

import io.agentworkspace.infrastructure.axon.EventJson;

/**
 * The event store of a MariaDB database without the application: the schema migrated by Flyway and Axon's JDBC
 * engine configured as the application configures it. For tests and benchmarks that prepare a history before a
 * separate application process starts on it.
 */
public final class StandaloneEventStore implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final JdbcTransactionManager transactions;
    private final JdbcEventStorageEngine engine;

    public StandaloneEventStore(String database) {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(TestServices.jdbcUrl(database) + "?useBulkStmts=false");
        dataSource.setUsername(TestServices.mariaDbUser());
        dataSource.setPassword(TestServices.mariaDbPassword());
        dataSource.setMaximumPoolSize(8);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/mysql").load().migrate();
        Serializer serializer = JacksonSerializer.builder().objectMapper(EventJson.mapper()).build();
        transactions = new JdbcTransactionManager(dataSource);
        engine = JdbcEventStorageEngine.builder()
                .connectionProvider(new UnitOfWorkAwareConnectionProviderWrapper(new SpringDataSourceConnectionProvider(dataSource)))
                .transactionManager(new SpringTransactionManager(transactions))
                .eventSerializer(serializer)
                .snapshotSerializer(serializer)
                .build();
    }

    public BulkEvents bulk() {
        return new BulkEvents(engine, transactions);
    }

    public JdbcEventStorageEngine engine() {
        return engine;
    }

    public JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
