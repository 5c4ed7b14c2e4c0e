package io.agentworkspace.console;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.lang.Nullable;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** One node: the directory in memory; every transition is this node's. */
final class LocalChannelDirectory implements ChannelDirectory {

    private static final class Member {
        final JsonNode info;
        int connections;

        Member(JsonNode info) {
            this.info = info;
        }
    }

    private final Map<String, Long> subscriptions = new HashMap<>();
    private final Map<String, Map<String, Member>> members = new HashMap<>();
    private final DirectoryBroadcasts broadcasts = new DirectoryBroadcasts();

    @Override
    public Mono<Void> subscribed(String channel) {
        boolean first;
        synchronized (this) {
            first = subscriptions.merge(channel, 1L, Long::sum) == 1;
        }
        if (first) {
            broadcasts.change(Transition.CHANNEL_OCCUPIED, channel, null);
        }
        return Mono.empty();
    }

    @Override
    public Mono<Void> unsubscribed(String channel) {
        boolean last;
        synchronized (this) {
            Long left = subscriptions.computeIfPresent(channel, (c, count) -> count > 1 ? count - 1 : null);
            last = left == null;
        }
        if (last) {
            broadcasts.change(Transition.CHANNEL_VACATED, channel, null);
        }
        return Mono.empty();
    }

    @Override
    public Mono<Map<String, JsonNode>> joined(String channel, String userId, JsonNode userInfo) {
        boolean first;
        Map<String, JsonNode> snapshot;
        synchronized (this) {
            Member member = members.computeIfAbsent(channel, c -> new LinkedHashMap<>())
                    .computeIfAbsent(userId, u -> new Member(userInfo));
            first = ++member.connections == 1;
            snapshot = infos(channel);
        }
        if (first) {
            broadcasts.presence(new PresenceChange(channel, userId, userInfo, true));
            broadcasts.change(Transition.MEMBER_ADDED, channel, userId);
        }
        return Mono.just(snapshot);
    }

    @Override
    public Mono<Void> left(String channel, String userId) {
        Member gone = null;
        synchronized (this) {
            Map<String, Member> room = members.get(channel);
            Member member = room == null ? null : room.get(userId);
            if (member != null && --member.connections == 0) {
                room.remove(userId);
                if (room.isEmpty()) {
                    members.remove(channel);
                }
                gone = member;
            }
        }
        if (gone != null) {
            broadcasts.presence(new PresenceChange(channel, userId, gone.info, false));
            broadcasts.change(Transition.MEMBER_REMOVED, channel, userId);
        }
        return Mono.empty();
    }

    @Override
    public Flux<PresenceChange> presenceChanges() {
        return broadcasts.presenceChanges();
    }

    @Override
    public Flux<Change> changes() {
        return broadcasts.changes();
    }

    @Override
    public synchronized Mono<List<ChannelInfo>> channels(@Nullable String prefix) {
        List<ChannelInfo> occupied = new ArrayList<>();
        new TreeMap<>(subscriptions).forEach((channel, count) -> {
            if (prefix == null || channel.startsWith(prefix)) {
                occupied.add(info(channel));
            }
        });
        return Mono.just(occupied);
    }

    @Override
    public synchronized Mono<ChannelInfo> channel(String channel) {
        return Mono.just(info(channel));
    }

    @Override
    public synchronized Mono<Map<String, JsonNode>> members(String channel) {
        return Mono.just(infos(channel));
    }

    @Override
    public Mono<Void> terminate(String userId) {
        broadcasts.termination(userId);
        return Mono.empty();
    }

    @Override
    public Flux<String> terminations() {
        return broadcasts.terminations();
    }

    private ChannelInfo info(String channel) {
        Map<String, Member> room = members.get(channel);
        return new ChannelInfo(channel, subscriptions.getOrDefault(channel, 0L), room == null ? 0 : room.size());
    }

    private Map<String, JsonNode> infos(String channel) {
        Map<String, JsonNode> infos = new LinkedHashMap<>();
        members.getOrDefault(channel, Map.of()).forEach((user, member) -> infos.put(user, member.info));
        return infos;
    }
}
