package io.agentworkspace.console.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

/**
 * Who is in each presence channel, on this node: members by user id, each with the sockets it is there with. A
 * member is added on its first socket and removed with its last, and the others in the room are told each time.
 */
@Component
class PresenceRooms {

    record Member(String userId, JsonNode userInfo) {
    }

    private static final class Room {
        final Map<String, Member> members = new LinkedHashMap<>();
        final Map<String, Set<PusherSocket>> socketsByUser = new LinkedHashMap<>();
    }

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();

    /** Joins and returns the room's members, the newcomer included. */
    Map<String, Member> join(String channel, Member member, PusherSocket socket) {
        Room room = rooms.computeIfAbsent(channel, c -> new Room());
        Map<String, Member> snapshot;
        Set<PusherSocket> others;
        boolean first;
        synchronized (room) {
            Set<PusherSocket> sockets = room.socketsByUser.computeIfAbsent(member.userId(), u -> new java.util.HashSet<>());
            first = sockets.isEmpty();
            sockets.add(socket);
            room.members.put(member.userId(), member);
            snapshot = new LinkedHashMap<>(room.members);
            others = everyoneBut(room, socket);
        }
        if (first) {
            others.forEach(other -> other.memberAdded(channel, member));
        }
        return snapshot;
    }

    void leave(String channel, String userId, PusherSocket socket) {
        Room room = rooms.get(channel);
        if (room == null) {
            return;
        }
        Set<PusherSocket> others;
        boolean last;
        synchronized (room) {
            Set<PusherSocket> sockets = room.socketsByUser.get(userId);
            if (sockets == null || !sockets.remove(socket)) {
                return;
            }
            last = sockets.isEmpty();
            if (last) {
                room.socketsByUser.remove(userId);
                room.members.remove(userId);
            }
            others = everyoneBut(room, socket);
            if (room.members.isEmpty()) {
                rooms.remove(channel, room);
            }
        }
        if (last) {
            others.forEach(other -> other.memberRemoved(channel, userId));
        }
    }

    private static Set<PusherSocket> everyoneBut(Room room, PusherSocket socket) {
        Set<PusherSocket> others = new java.util.HashSet<>();
        room.socketsByUser.values().forEach(others::addAll);
        others.remove(socket);
        return others;
    }
}
