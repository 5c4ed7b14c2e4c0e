package io.agentworkspace.audit;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.monitoring.NoOpMessageMonitor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AuditProcessors {

    /**
     * Segments split the aggregates (Axon's default sequencing: by aggregate id), so each aggregate's events stay on
     * one worker, in the store's order; the order between aggregates means nothing on a partitioned topic. No Axon message
     * monitors: their timers and capacity windows per event cost as much as rendering it, and the export's progress
     * is {@code agent_processor_position{processor="kafka-export"}}.
     */
    @Bean
    ConfigurerModule kafkaExportProcessor(KafkaExportSettings settings) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerPooledStreamingEventProcessorConfiguration(KafkaExport.PROCESSOR,
                        (config, builder) -> builder.batchSize(settings.batchSize())
                                .initialSegmentCount(settings.segments()))
                .registerMessageMonitor(KafkaExport.PROCESSOR, config -> NoOpMessageMonitor.INSTANCE));
    }
}
