package io.agentworkspace.infrastructure.axon;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Axon without Axon Server: the JDBC event storage engine and token store (auto-configured on the declared
 * DataSource), Jackson for every message, and pooled streaming processors for every processing group.
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

    /**
     * A handler failure rolls the whole batch back, read model and token together, and the processor retries it
     * later: never the silent skip of Axon's default logging handler, which would advance the token past an event
     * the read model never saw.
     */
    @Bean
    ConfigurerModule pooledProcessorsByDefault(@Value("${agent.projections.batch-size:100}") int batchSize,
                                               @Value("${agent.projections.token-claim-interval-ms:1000}") long claimInterval) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .usingPooledStreamingEventProcessors((config, builder) -> builder
                        .batchSize(batchSize)
                        .initialSegmentCount(1)
                        .tokenClaimInterval(claimInterval))
                .registerDefaultListenerInvocationErrorHandler(config -> PropagatingErrorHandler.instance()));
    }
}
