package io.agentworkspace.console;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** What a {@link ChannelDirectory} tells its listeners on this node: presence changes, transitions, terminations. */
final class DirectoryBroadcasts {

    private final Sinks.Many<ChannelDirectory.PresenceChange> presence = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<ChannelDirectory.Change> changes = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<String> terminations = Sinks.many().multicast().directBestEffort();

    void presence(ChannelDirectory.PresenceChange change) {
        emit(presence, change);
    }

    void change(ChannelDirectory.Transition transition, String channel, @org.springframework.lang.Nullable String user) {
        emit(changes, new ChannelDirectory.Change(transition, channel, user));
    }

    void termination(String userId) {
        emit(terminations, userId);
    }

    Flux<ChannelDirectory.PresenceChange> presenceChanges() {
        return presence.asFlux();
    }

    Flux<ChannelDirectory.Change> changes() {
        return changes.asFlux();
    }

    Flux<String> terminations() {
        return terminations.asFlux();
    }

    /** Emitters on several threads take turns: a sink accepts one emission at a time. */
    private static <T> void emit(Sinks.Many<T> sink, T value) {
        synchronized (sink) {
            sink.tryEmitNext(value);
        }
    }
}
