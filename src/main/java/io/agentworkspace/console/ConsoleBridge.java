package io.agentworkspace.console;

import java.time.Duration;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.stereotype.Component;

/**
 * How a module puts its domain events on the console: a bridge per module, an Axon event handler in a processing
 * group of its own that calls {@link #forward} for each event it shows. The domain event's identifier is the
 * origin, so an event the processor sees twice (a retry, a crash before its token moved) is published once.
 *
 * <pre>{@code
 * @Component @ProcessingGroup("console-bridge-runs")
 * class RunConsoleBridge {
 *     @EventHandler void on(RunStarted e, @MessageIdentifier String id) {
 *         bridge.forward(id, ConsoleChannels.run(e.runId()), "run.started", e);
 *     }
 * }
 * // and in a @Configuration: @Bean ConfigurerModule runBridge() { return ConsoleBridge.processor("console-bridge-runs"); }
 * }</pre>
 */
@Component
public class ConsoleBridge {

    private static final Duration APPEND_TIMEOUT = Duration.ofSeconds(30);

    private final ConsoleEventService console;

    ConsoleBridge(ConsoleEventService console) {
        this.console = console;
    }

    /** Publishes once per origin and waits until it is durable. Blocking: for event processor threads only. */
    public long forward(String origin, String channel, String event, Object payload) {
        Long id = console.publishOnce(origin, channel, event, payload).block(APPEND_TIMEOUT);
        if (id == null) {
            throw new ConsoleUnavailable("no id for the bridged event");
        }
        return id;
    }

    /**
     * A bridge's processor: it starts at the head of the event history when it first runs (the console shows what
     * happens from then on, not years of history), then resumes from its token.
     */
    public static ConfigurerModule processor(String processingGroup) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerPooledStreamingEventProcessorConfiguration(processingGroup, (config, builder) -> builder
                        .initialToken(StreamableMessageSource::createHeadToken)));
    }
}
