package io.agentworkspace.infrastructure.kafka;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.ReactiveHealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Kafka in the kafka profile: the gateway and a health check that asks the cluster for its brokers. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "agent.kafka.enabled", havingValue = "true")
class KafkaConfiguration {

    @Bean
    KafkaGateway kafkaGateway(@Value("${spring.kafka.bootstrap-servers}") String bootstrapServers,
                              @Value("${spring.application.name}") String clientId) {
        return new KafkaClientsGateway(bootstrapServers, clientId);
    }

    @Bean
    ReactiveHealthIndicator kafkaHealthIndicator(KafkaGateway kafka) {
        return () -> kafka.ping(Duration.ofSeconds(3))
                .map(brokers -> Health.up().withDetail("brokers", brokers).build())
                .onErrorResume(failure -> reactor.core.publisher.Mono.just(
                        Health.down().withDetail("error", failure.getClass().getSimpleName()).build()));
    }
}
