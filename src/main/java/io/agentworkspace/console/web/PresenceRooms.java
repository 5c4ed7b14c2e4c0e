package io.agentworkspace.console.web;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.agentworkspace.console.ChannelDirectory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Presence channels on this node: which of its connections are in which presence channel, as which member. Who is
 * in a channel is the {@link ChannelDirectory}'s (every node's members); a member's arrival or departure anywhere
 * reaches every connection here in that channel but the member's own.
 */
@Component
class PresenceRooms implements DisposableBean {

    record Member(String userId, JsonNode userInfo) {
    }

    private final ChannelDirectory directory;
    private final Map<String, Map<PusherSocket, String>> rooms = new ConcurrentHashMap<>();
    private final Disposable changes;

    PresenceRooms(ChannelDirectory directory) {
        this.directory = directory;
        this.changes = directory.presenceChanges().subscribe(this::deliver);
    }

    /** Joins; completes with the channel's members, the newcomer among them. */
    Mono<Map<String, JsonNode>> join(String channel, Member member, PusherSocket socket) {
        rooms.computeIfAbsent(channel, c -> new ConcurrentHashMap<>()).put(socket, member.userId());
        return directory.joined(channel, member.userId(), member.userInfo());
    }

    void leave(String channel, String userId, PusherSocket socket) {
        rooms.computeIfPresent(channel, (c, sockets) -> {
            sockets.remove(socket);
            return sockets.isEmpty() ? null : sockets;
        });
        directory.left(channel, userId).subscribe(null, failure -> { });
    }

    private void deliver(ChannelDirectory.PresenceChange change) {
        Map<PusherSocket, String> sockets = rooms.get(change.channel());
        if (sockets == null) {
            return;
        }
        for (Map.Entry<PusherSocket, String> entry : Set.copyOf(sockets.entrySet())) {
            if (entry.getValue().equals(change.userId())) {
                continue;
            }
            if (change.added()) {
                entry.getKey().memberAdded(change.channel(), new Member(change.userId(), change.userInfo()));
            } else {
                entry.getKey().memberRemoved(change.channel(), change.userId());
            }
        }
    }

    @Override
    public void destroy() {
        changes.dispose();
    }
}
