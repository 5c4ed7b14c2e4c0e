package io.agentworkspace.audit;

import org.axonframework.config.ConfigurerModule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AuditProcessors {

    /** One segment: the export keeps the store's order, which is also every aggregate's order. */
    @Bean
    ConfigurerModule kafkaExportProcessor(KafkaExportSettings settings) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerPooledStreamingEventProcessorConfiguration(KafkaExport.PROCESSOR,
                        (config, builder) -> builder.batchSize(settings.batchSize()).initialSegmentCount(1)));
    }
}
