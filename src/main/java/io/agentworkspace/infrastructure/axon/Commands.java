package io.agentworkspace.infrastructure.axon;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.BlockingWork;
import reactor.core.publisher.Mono;

/**
 * Sends commands from reactive code. Command handling appends to the JDBC event store inside a transaction, so it
 * runs on the blocking pool and never on a Netty event loop.
 */
@Component
public class Commands {

    private final CommandGateway gateway;
    private final BlockingWork blocking;

    Commands(CommandGateway gateway, BlockingWork blocking) {
        this.gateway = gateway;
        this.blocking = blocking;
    }

    public <R> Mono<R> send(Object command) {
        return blocking.call(() -> gateway.sendAndWait(command));
    }

    /** For callers already on a blocking thread (event handlers, jobs). */
    public <R> R sendAndWait(Object command) {
        return gateway.sendAndWait(command);
    }
}
