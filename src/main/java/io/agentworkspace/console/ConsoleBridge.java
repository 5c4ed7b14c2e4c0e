package io.agentworkspace.console;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.axonframework.config.ConfigurerModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.agentworkspace.infrastructure.RejectedCommand;

/**
 * How a module puts its domain events on the console: a bridge per module, an Axon event handler in a processing
 * group of its own that calls {@link #forward} for each event it shows, registered with {@link #processor}.
 *
 * <p>The bridge's processor is a subscribing one: it handles each event in the transaction that records it, and
 * {@code forward} appends the console event in that same transaction. So a domain event and its console events
 * commit together or not at all, and in the order they happened: a run's {@code run.started} is durable (and has
 * its id) before the worker publishes the run's first output line, and its terminal event is appended after the
 * last one. The domain event's identifier is the origin, kept with the console event.
 *
 * <pre>{@code
 * @Component @ProcessingGroup("console-bridge-runs")
 * class RunConsoleBridge {
 *     @EventHandler void on(RunStarted e, @MessageIdentifier String id) {
 *         bridge.forward(id, ConsoleChannels.run(e.runId()), "run.started", e);
 *     }
 * }
 * // and in a @Configuration: @Bean ConfigurerModule runBridge() { return ConsoleBridge.processor("console-bridge-runs"); }
 * }</pre>
 */
@Component
public class ConsoleBridge {

    private static final Logger logger = LoggerFactory.getLogger(ConsoleBridge.class);
    private static final Duration APPEND_TIMEOUT = Duration.ofSeconds(30);

    private final ConsoleEventService console;
    private final ConsoleLogWriter log;
    private final HikariDataSource dataSource;

    ConsoleBridge(ConsoleEventService console, ConsoleLogWriter log, HikariDataSource dataSource) {
        this.console = console;
        this.log = log;
        this.dataSource = dataSource;
    }

    /**
     * Appends the console event in the current transaction, at its commit; without one (an event published outside
     * a unit of work) publishes it at once and waits until it is durable. A console event the log would refuse (a
     * payload over {@code agent.console.max-event-bytes}: the bridge must shorten what it shows) is left out with a
     * warning, never the domain event's failure.
     */
    public void forward(String origin, String channel, String event, Object payload) {
        if (origin.isEmpty() || origin.length() > 200) {
            throw new IllegalArgumentException("origin must have 1-200 characters");
        }
        PendingEvent pending;
        try {
            pending = console.pending(origin, channel, event, ConsoleEventService.json(payload), true, null);
        } catch (RejectedCommand refused) {
            logger.warn("console event {} on {} (origin {}) left out: {}", event, channel, origin, refused.getMessage());
            return;
        }
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            log.submit(pending).block(APPEND_TIMEOUT);
            return;
        }
        InTransaction appends = (InTransaction) TransactionSynchronizationManager.getResource(this);
        if (appends == null) {
            appends = new InTransaction();
            TransactionSynchronizationManager.bindResource(this, appends);
            TransactionSynchronizationManager.registerSynchronization(appends);
        }
        appends.pending.add(pending);
    }

    /** The console events of one transaction: appended just before it commits, delivered once it has. */
    private final class InTransaction implements TransactionSynchronization {

        final List<PendingEvent> pending = new ArrayList<>();
        List<ConsoleEvent> appended = List.of();
        long appendNanos;

        @Override
        public void beforeCommit(boolean readOnly) {
            long started = System.nanoTime();
            Connection connection = DataSourceUtils.getConnection(dataSource);
            try {
                appended = log.appendWithin(connection, pending).events();
            } catch (SQLException failure) {
                throw new ConsoleUnavailable("The console log could not append the bridged events.", failure);
            } finally {
                DataSourceUtils.releaseConnection(connection, dataSource);
            }
            appendNanos = System.nanoTime() - started;
        }

        @Override
        public void afterCommit() {
            log.committed(appended, appendNanos);
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(ConsoleBridge.this);
        }
    }

    /** A bridge's processor: it handles every event in the unit of work (and transaction) that records it. */
    public static ConfigurerModule processor(String processingGroup) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerSubscribingEventProcessor(processingGroup));
    }
}
