package io.agentworkspace.project;

import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.agentworkspace.console.ConsoleBridge;

@Configuration(proxyBeanMethods = false)
class ProjectProcessors {

    /**
     * The cloner does slow network and disk work and writes nothing in its own transaction (outcomes go through
     * commands), so it holds no database transaction while it clones; one event per batch, a segment per
     * concurrent clone.
     */
    @Bean
    ConfigurerModule workspaceClonerProcessor(ProjectSettings settings) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerPooledStreamingEventProcessorConfiguration(WorkspaceCloner.PROCESSOR,
                        (config, builder) -> builder.batchSize(1).initialSegmentCount(settings.cloneConcurrency()))
                .registerTransactionManager(WorkspaceCloner.PROCESSOR, config -> NoTransactionManager.INSTANCE));
    }

    /** Project events reach the console in the transaction that records them, so in the order they happened. */
    @Bean
    ConfigurerModule projectConsoleBridgeProcessor() {
        return ConsoleBridge.processor(ProjectConsoleBridge.PROCESSOR);
    }
}
