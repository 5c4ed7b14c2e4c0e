package io.agentworkspace.run;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.agentworkspace.console.ConsoleBridge;

@Configuration(proxyBeanMethods = false)
class RunProcessors {

    /** The console bridge waits for its appends; it writes nothing of its own besides its token. */
    @Bean
    ConfigurerModule runConsoleBridgeProcessor() {
        return ConsoleBridge.processor(RunConsoleBridge.PROCESSOR);
    }

    /** The run counters count what this node records, as it records it. */
    @Bean
    ConfigurerModule runMetricsProcessor() {
        return configurer -> configurer.eventProcessing(processing ->
                processing.registerSubscribingEventProcessor(RunMetrics.PROCESSOR));
    }

    /**
     * The runs read model drives dispatch (a queued run is taken from it), so its lag is in every run's queued ->
     * running latency. A pooled streaming processor at the head of the JDBC event store looks for new events every
     * 500 ms (the embedded store offers it no availability callback); a tracking processor waits on the store's
     * in-process signal instead and sees this node's events within milliseconds. Same token store, same
     * transaction per batch, same error handler.
     */
    @Bean
    ConfigurerModule runsProjectionProcessor(@Value("${agent.projections.batch-size:100}") int batchSize) {
        return configurer -> configurer.eventProcessing(processing -> processing.registerTrackingEventProcessor(
                RunProjection.PROCESSOR, config -> config.eventStore(),
                config -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing().andBatchSize(batchSize)));
    }
}
