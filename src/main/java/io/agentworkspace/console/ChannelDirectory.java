package io.agentworkspace.console;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.lang.Nullable;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Who is subscribed where, over every node of the installation: subscriptions per channel (WebSocket and SSE),
 * presence members, and the transitions webhooks report. One node keeps it in memory; several share it in Redis,
 * where every transition (a channel's first subscription, a member's first connection...) is decided by one
 * atomic step, so exactly one node reports it, and what a node that died held is swept out by the others.
 */
public interface ChannelDirectory {

    /** A channel's figures: subscriptions on every node, and distinct presence members. */
    record ChannelInfo(String channel, long subscriptionCount, long userCount) {
    }

    /** A presence member's first connection anywhere arrived ({@code added}), or its last one left. */
    record PresenceChange(String channel, String userId, JsonNode userInfo, boolean added) {
    }

    /** What Pusher webhooks report, each once for the whole installation. */
    enum Transition {
        CHANNEL_OCCUPIED("channel_occupied"), CHANNEL_VACATED("channel_vacated"), MEMBER_ADDED("member_added"),
        MEMBER_REMOVED("member_removed");

        private final String wireName;

        Transition(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** A transition of a channel (and, for members, of a user). */
    record Change(Transition transition, String channel, @Nullable String userId) {
    }

    /** One more subscription to {@code channel} on this node. */
    Mono<Void> subscribed(String channel);

    /** One subscription to {@code channel} on this node ended. */
    Mono<Void> unsubscribed(String channel);

    /**
     * One more connection of {@code userId} in a presence channel; completes with the channel's members (the
     * newcomer among them) once it is counted.
     */
    Mono<Map<String, JsonNode>> joined(String channel, String userId, JsonNode userInfo);

    /** One connection of {@code userId} left the presence channel. */
    Mono<Void> left(String channel, String userId);

    /** Members arriving and leaving anywhere, for this node's connections in those channels. */
    Flux<PresenceChange> presenceChanges();

    /** The transitions this node decided (each is decided by exactly one node), for webhooks. */
    Flux<Change> changes();

    /** Occupied channels, those starting with {@code prefix} when given. */
    Mono<List<ChannelInfo>> channels(@Nullable String prefix);

    /** A channel's figures (zero when nobody is subscribed). */
    Mono<ChannelInfo> channel(String channel);

    /** A presence channel's members by user id. */
    Mono<Map<String, JsonNode>> members(String channel);

    /** Asks every node to close the connections of {@code userId}. */
    Mono<Void> terminate(String userId);

    /** User ids whose connections are to be closed, from any node's {@link #terminate}. */
    Flux<String> terminations();
}
