package io.agentworkspace.snapshot;

import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.agentworkspace.console.ConsoleBridge;

@Configuration(proxyBeanMethods = false)
class SnapshotProcessors {

    /**
     * The worker reads and writes archives for seconds to minutes and records outcomes through commands, so it
     * holds no database transaction; one event per batch, a segment per snapshot taken at once.
     */
    @Bean
    ConfigurerModule snapshotWorkerProcessor(SnapshotSettings settings) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerPooledStreamingEventProcessorConfiguration(SnapshotWorker.PROCESSOR,
                        (config, builder) -> builder.batchSize(1).initialSegmentCount(settings.workerConcurrency()))
                .registerTransactionManager(SnapshotWorker.PROCESSOR, config -> NoTransactionManager.INSTANCE));
    }

    @Bean
    ConfigurerModule snapshotConsoleBridgeProcessor() {
        return ConsoleBridge.processor(SnapshotConsoleBridge.PROCESSOR);
    }
}
