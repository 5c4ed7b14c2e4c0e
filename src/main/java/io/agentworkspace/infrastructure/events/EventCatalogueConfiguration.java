package io.agentworkspace.infrastructure.events;

import org.axonframework.eventhandling.EventBus;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class EventCatalogueConfiguration {

    @Bean
    EventCatalogue eventCatalogue() {
        return EventCatalogue.load();
    }

    @Bean
    @ConditionalOnProperty(name = "agent.events.validate-on-publish", havingValue = "true", matchIfMissing = true)
    CatalogueConformance catalogueConformance(EventCatalogue catalogue, @Qualifier("eventSerializer") Serializer serializer,
                                              EventBus eventBus) {
        CatalogueConformance conformance = new CatalogueConformance(catalogue, serializer);
        eventBus.registerDispatchInterceptor(conformance);
        return conformance;
    }
}
