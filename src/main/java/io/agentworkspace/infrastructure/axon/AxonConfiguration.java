package io.agentworkspace.infrastructure.axon;

import com.zaxxer.hikari.HikariDataSource;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcSQLErrorCodesResolver;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import io.agentworkspace.infrastructure.redis.RedisDatabase;

/**
 * Axon without Axon Server: the JDBC event storage engine and token store (auto-configured on the declared
 * DataSource), Jackson for every message, and pooled streaming processors for every processing group, woken as
 * soon as new events can be read ({@link EventArrivals}; {@link EventAnnouncements} between nodes).
 */
@Configuration(proxyBeanMethods = false)
class AxonConfiguration {

    @Bean
    @Primary
    Serializer serializer() {
        return jackson();
    }

    @Bean
    @Qualifier("messageSerializer")
    Serializer messageSerializer() {
        return jackson();
    }

    @Bean
    @Qualifier("eventSerializer")
    Serializer eventSerializer() {
        return jackson();
    }

    private static Serializer jackson() {
        return JacksonSerializer.builder().objectMapper(EventJson.mapper()).build();
    }

    /*
     * The JDBC storage engine, its schema and its exception resolver exactly as Axon's auto-configuration builds
     * them; declared here because Axon backs off from these three once an event store is declared (below).
     */

    @Bean
    EventSchema eventSchema() {
        return new EventSchema();
    }

    @Bean
    PersistenceExceptionResolver persistenceExceptionResolver() {
        return new JdbcSQLErrorCodesResolver();
    }

    @Bean
    EventStorageEngine eventStorageEngine(Serializer defaultSerializer, PersistenceExceptionResolver exceptions,
                                          @Qualifier("eventSerializer") Serializer eventSerializer,
                                          org.axonframework.config.Configuration configuration,
                                          ConnectionProvider connections, TransactionManager transactions,
                                          EventSchema schema) {
        return storageEngine(defaultSerializer, exceptions, eventSerializer, configuration, connections, transactions,
                schema).build();
    }

    @Bean(destroyMethod = "shutDown")
    HistoryReader historyReader(Serializer defaultSerializer, PersistenceExceptionResolver exceptions,
                                @Qualifier("eventSerializer") Serializer eventSerializer,
                                org.axonframework.config.Configuration configuration,
                                ConnectionProvider connections, TransactionManager transactions, EventSchema schema) {
        return new HistoryReader(EmbeddedEventStore.builder().storageEngine(storageEngine(defaultSerializer, exceptions,
                eventSerializer, configuration, connections, transactions, schema).batchSize(HistoryReader.PAGE).build())
                .build());
    }

    private static JdbcEventStorageEngine.Builder storageEngine(Serializer defaultSerializer,
                                                                PersistenceExceptionResolver exceptions,
                                                                Serializer eventSerializer,
                                                                org.axonframework.config.Configuration configuration,
                                                                ConnectionProvider connections,
                                                                TransactionManager transactions, EventSchema schema) {
        return JdbcEventStorageEngine.builder().snapshotSerializer(defaultSerializer)
                .upcasterChain(configuration.upcasterChain()).persistenceExceptionResolver(exceptions)
                .eventSerializer(eventSerializer).snapshotFilter(configuration.snapshotFilter())
                .connectionProvider(connections).transactionManager(transactions).schema(schema);
    }

    /**
     * Axon's embedded event store (as its auto-configuration builds it), able to read the storage on request: when
     * another node announces an append.
     */
    @Bean
    AgentEventStore eventStore(EventStorageEngine storageEngine, org.axonframework.config.Configuration configuration) {
        return new AgentEventStore(EmbeddedEventStore.builder().storageEngine(storageEngine)
                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(configuration.getComponent(EventBusSpanFactory.class)));
    }

    @Bean
    EventArrivals eventArrivals(ObjectProvider<AgentEventStore> store) {
        return new EventArrivals(store, EventArrivals.DEFERRED_WAKE);
    }

    @Bean
    @ConditionalOnProperty(name = "agent.redis.enabled", havingValue = "true")
    EventAnnouncements eventAnnouncements(AgentEventStore store, @Qualifier("cache") RedisDatabase cache,
                                          HikariDataSource dataSource) {
        return new EventAnnouncements(store, cache, dataSource.getJdbcUrl());
    }

    /**
     * A handler failure rolls the whole batch back, read model and token together, and the processor retries it
     * later: never the silent skip of Axon's default logging handler, which would advance the token past an event
     * the read model never saw.
     */
    @Bean
    ConfigurerModule pooledProcessorsByDefault(ProjectionSettings settings, EventArrivals arrivals) {
        int batchSize = settings.batchSize();
        long claimInterval = settings.tokenClaimIntervalMs();
        boolean wake = settings.wakeOnAppend();
        return configurer -> configurer.eventProcessing(processing -> processing
                .usingPooledStreamingEventProcessors((config, builder) -> builder
                        .messageSource(wake ? new WakingEventSource(config.eventStore(), arrivals) : config.eventStore())
                        .batchSize(batchSize)
                        .initialSegmentCount(1)
                        .tokenClaimInterval(claimInterval))
                .registerDefaultListenerInvocationErrorHandler(config -> PropagatingErrorHandler.instance()));
    }
}
