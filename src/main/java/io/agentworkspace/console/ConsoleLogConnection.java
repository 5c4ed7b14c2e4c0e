package io.agentworkspace.console;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.lang.Nullable;

import io.agentworkspace.infrastructure.persistence.SqlDialect;

/**
 * The log writer's own database connection, held between appends: a pool of one with the service's settings (URL,
 * credentials, TLS), in manual-commit mode for good, so an append pays no borrow, no autocommit switch on and off,
 * and no rollback on return. On MariaDB/MySQL it may carry several statements in one request
 * ({@code allowMultiQueries}), which lets an append be one round trip ({@link ConsoleLogWriter}); the service's
 * main pool keeps one statement per request. Used by the console thread alone.
 */
final class ConsoleLogConnection implements AutoCloseable {

    /** Held longer than this without use, it goes back to the pool, which checks it on the next borrow. */
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final HikariDataSource pool;
    @Nullable
    private Connection held;
    private long lastUsed;

    ConsoleLogConnection(HikariDataSource service, SqlDialect dialect) {
        // built from the service pool's settings, not copied from its configuration: a copy would share (and
        // change) its driver properties
        HikariConfig config = new HikariConfig();
        config.setPoolName(service.getPoolName() + "-console-log");
        config.setJdbcUrl(service.getJdbcUrl());
        config.setUsername(service.getUsername());
        config.setPassword(service.getPassword());
        if (service.getDriverClassName() != null) {
            config.setDriverClassName(service.getDriverClassName());
        }
        service.getDataSourceProperties().forEach((name, value) -> config.addDataSourceProperty((String) name, value));
        config.setConnectionTimeout(service.getConnectionTimeout());
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(0);
        config.setAutoCommit(false);
        if (dialect == SqlDialect.MYSQL) {
            config.addDataSourceProperty("allowMultiQueries", "true");
        }
        this.pool = new HikariDataSource(config);
    }

    /**
     * Reports the pool beside the service's own ({@code hikaricp_*}, {@code pool="<service pool>-console-log"}): Spring
     * binds only the pools it creates. Once; a later registry is ignored.
     */
    synchronized void bindTo(MeterRegistry registry) {
        if (pool.getMetricsTrackerFactory() == null) {
            pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        }
    }

    /** The connection for the next append. */
    Connection get() throws SQLException {
        long now = System.nanoTime();
        if (held != null && now - lastUsed > IDLE_NANOS) {
            release();
        }
        if (held == null) {
            held = pool.getConnection();
        }
        lastUsed = now;
        return held;
    }

    /** After a failed append: rolls back what it began and gives the connection back (the pool drops a broken one). */
    void failed() {
        if (held == null) {
            return;
        }
        try {
            held.rollback();
        } catch (SQLException ignored) {
            // a connection that cannot roll back is broken: the pool evicts it on return
        }
        release();
    }

    private void release() {
        Connection connection = held;
        held = null;
        try {
            connection.close();
        } catch (SQLException ignored) {
            // returning to the pool; a broken one is evicted
        }
    }

    @Override
    public void close() {
        if (held != null) {
            release();
        }
        pool.close();
    }
}
