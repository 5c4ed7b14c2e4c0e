package io.agentworkspace.run;

import org.axonframework.config.ConfigurerModule;
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
}
