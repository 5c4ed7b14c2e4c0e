package io.agentworkspace.infrastructure;

import org.springframework.context.SmartLifecycle;

/**
 * The lifecycle phases of the service's own components, and why each is where it is. Spring starts lower phases
 * first and stops higher phases first. For reference: Spring Boot stops the web server's graceful shutdown at
 * {@code DEFAULT_PHASE - 2048} and the web server itself at {@code DEFAULT_PHASE - 1024}; Axon's processors stop
 * at their own (high) phases, the data source is closed with the context after every phase.
 */
public final class LifecyclePhases {

    /**
     * The grace after a stop request while a proxy moves to the new instance: everything still serves, so it stops
     * first of all.
     */
    public static final int PROXY_SWITCH_GRACE = Integer.MAX_VALUE;

    /**
     * The run dispatcher: it drains (hands over or interrupts running runs) while everything it needs still runs,
     * so it stops before Axon's processors, the console and the data source.
     */
    public static final int RUN_DISPATCH = Integer.MAX_VALUE - 50;

    /**
     * Periodic samplers (processor progress, the event chain, run gauges): they query the store, so they stop before
     * Axon's processors and the data source shut down.
     */
    public static final int SAMPLERS = Integer.MAX_VALUE - 100;

    /**
     * Open console streams (SSE feeds, Pusher sockets): closed first among the console's parts, before the web
     * server's graceful shutdown starts waiting for open requests, which a live stream would never end.
     */
    public static final int CONSOLE_STREAMS = SmartLifecycle.DEFAULT_PHASE;

    /**
     * The console log writer: starts before the web server and stops after it, so requests in flight still get
     * their events appended.
     */
    public static final int CONSOLE_LOG = SmartLifecycle.DEFAULT_PHASE - 4096;

    /**
     * The console dispatcher: starts before the log writer and stops after it, so every event the writer commits
     * while stopping is still routed to its subscriptions.
     */
    public static final int CONSOLE_DISPATCH = SmartLifecycle.DEFAULT_PHASE - 4200;

    private LifecyclePhases() {
    }
}
