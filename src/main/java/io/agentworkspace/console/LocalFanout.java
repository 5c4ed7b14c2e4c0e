package io.agentworkspace.console;

import java.util.List;

import reactor.core.publisher.Flux;

/** One node: its own writer is the only source of events. */
final class LocalFanout implements ConsoleFanout {

    @Override
    public void announce(List<ConsoleEvent> appended) {
    }

    @Override
    public Flux<List<ConsoleEvent>> announcements() {
        return Flux.never();
    }

    @Override
    public boolean shared() {
        return false;
    }
}
