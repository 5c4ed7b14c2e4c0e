package io.agentworkspace.run.provider;

import reactor.core.publisher.Flux;

/**
 * One way of running an agent: a streaming interface over the provider's own wire format. The returned Flux runs
 * the whole agent (every turn and tool call) when subscribed, emits its events in order, ends with
 * {@link AgentEvent.Finished} or a {@link ProviderFailure}, and stops the HTTP stream or the process at once when
 * the subscription is cancelled.
 */
public interface AgentProvider {

    String name();

    /** Whether the provider needs an API key from the secret store. */
    boolean needsKey();

    Flux<AgentEvent> run(AgentRequest request);
}
