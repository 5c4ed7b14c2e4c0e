package io.agentworkspace.run;

import org.axonframework.config.ConfigurerModule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.agentworkspace.console.ConsoleBridge;

/**
 * The runs read model drives dispatch (a queued run is taken from it), so its lag is in every run's queued ->
 * running latency: like every read model it runs on a pooled processor that the event store wakes as soon as new
 * events can be read (infrastructure.axon.EventArrivals).
 */
@Configuration(proxyBeanMethods = false)
class RunProcessors {

    /** Run events reach the console in the transaction that records them, so in the order they happened. */
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
}
