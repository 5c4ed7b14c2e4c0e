package io.agentworkspace.console;

import java.util.List;

import reactor.core.publisher.Flux;

/**
 * Tells the other nodes which events this node appended. Announcements are only a shortcut: a lost one costs a
 * read of the log, never an event, because every node orders by id and fills gaps from the log.
 */
interface ConsoleFanout {

    void announce(List<ConsoleEvent> appended);

    /** Batches announced by any node, this one included. */
    Flux<List<ConsoleEvent>> announcements();

    /** Whether other nodes may append to the same log. */
    boolean shared();
}
