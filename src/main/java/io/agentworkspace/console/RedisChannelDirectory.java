package io.agentworkspace.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.lang.Nullable;

import io.agentworkspace.infrastructure.Polling;
import io.agentworkspace.infrastructure.redis.RedisDatabase;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Several nodes: the directory in Redis, under {@code console:<installation>:}. Counts are kept twice, per node
 * and in total, and every change of them is one Lua script: the node whose step takes a total from 0 to 1 (or back)
 * is the one that reports the transition. Presence arrivals and departures are published on a pub/sub channel that
 * every node (the deciding one too) turns into {@code member_added}/{@code member_removed} frames for its own
 * connections. Each node beats in a sorted set; a node that has not beaten for {@link #DEAD_AFTER} is swept by the
 * first node that sees it: its counts are subtracted from the totals, again by one script, with the transitions
 * that follows. A node that shuts down sweeps itself.
 */
final class RedisChannelDirectory implements ChannelDirectory, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RedisChannelDirectory.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration BEAT = Duration.ofSeconds(5);
    static final Duration DEAD_AFTER = Duration.ofSeconds(30);

    private static final String SUBSCRIBE = """
            redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
            """;
    private static final String UNSUBSCRIBE = """
            if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return -1 end
            if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
            local total = redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
            if total <= 0 then redis.call('HDEL', KEYS[2], ARGV[1]) return 0 end
            return total
            """;
    private static final String JOIN = """
            redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            local count = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
            if count == 1 then redis.call('HSET', KEYS[3], ARGV[2], ARGV[3]) end
            return count
            """;
    private static final String LEAVE = """
            if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return false end
            if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
            local count = redis.call('HINCRBY', KEYS[2], ARGV[2], -1)
            if count > 0 then return false end
            redis.call('HDEL', KEYS[2], ARGV[2])
            local info = redis.call('HGET', KEYS[3], ARGV[2]) or 'null'
            redis.call('HDEL', KEYS[3], ARGV[2])
            return info
            """;
    private static final String SWEEP = """
            local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if (not score) or tonumber(score) > tonumber(ARGV[2]) then return {} end
            redis.call('ZREM', KEYS[1], ARGV[1])
            local out = {}
            local subs = redis.call('HGETALL', KEYS[3])
            for i = 1, #subs, 2 do
              local total = redis.call('HINCRBY', KEYS[2], subs[i], -tonumber(subs[i + 1]))
              if total <= 0 then
                redis.call('HDEL', KEYS[2], subs[i])
                table.insert(out, 'vacated') table.insert(out, subs[i]) table.insert(out, '') table.insert(out, '')
              end
            end
            local members = redis.call('HGETALL', KEYS[4])
            for i = 1, #members, 2 do
              local at = string.find(members[i], '\\n', 1, true)
              local channel = string.sub(members[i], 1, at - 1)
              local user = string.sub(members[i], at + 1)
              local counts = ARGV[3] .. 'members:' .. channel
              local infos = ARGV[3] .. 'member-info:' .. channel
              local count = redis.call('HINCRBY', counts, user, -tonumber(members[i + 1]))
              if count <= 0 then
                redis.call('HDEL', counts, user)
                local info = redis.call('HGET', infos, user) or 'null'
                redis.call('HDEL', infos, user)
                table.insert(out, 'removed') table.insert(out, channel) table.insert(out, user) table.insert(out, info)
              end
            end
            redis.call('DEL', KEYS[3], KEYS[4])
            return out
            """;

    private final RedisDatabase redis;
    private final RedisReactiveCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    private final String prefix;
    private final String node = UUID.randomUUID().toString();
    private final DirectoryBroadcasts broadcasts = new DirectoryBroadcasts();
    private final Disposable.Composite running = Disposables.composite();

    RedisChannelDirectory(RedisDatabase redis, String installationId) {
        this.redis = redis;
        this.commands = redis.commands();
        this.prefix = "console:" + installationId + ":";
        this.subscriber = redis.connectPubSub();
        beat().block(Duration.ofSeconds(10));
        running.add(subscriber.reactive().subscribe(prefix + "presence", prefix + "terminate")
                .thenMany(subscriber.reactive().observeChannels())
                .subscribe(message -> {
                    if (message.getChannel().equals(prefix + "terminate")) {
                        broadcasts.termination(message.getMessage());
                    } else if (message.getChannel().equals(prefix + "presence")) {
                        presenceMessage(message.getMessage());
                    }
                }, failure -> log.warn("console directory announcements stopped: {}", failure.toString())));
        running.add(Polling.every(BEAT, () -> beat().then(sweep()).onErrorResume(failure -> {
            log.debug("console directory beat failed: {}", failure.toString());
            return Mono.empty();
        })).subscribe());
    }

    @Override
    public Mono<Void> subscribed(String channel) {
        return commands.<Long>eval(SUBSCRIBE, ScriptOutputType.INTEGER, keys(prefix + "subs:" + node, prefix + "subs"),
                        channel).next()
                .doOnNext(total -> {
                    if (total == 1) {
                        broadcasts.change(Transition.CHANNEL_OCCUPIED, channel, null);
                    }
                }).then();
    }

    @Override
    public Mono<Void> unsubscribed(String channel) {
        return commands.<Long>eval(UNSUBSCRIBE, ScriptOutputType.INTEGER,
                        keys(prefix + "subs:" + node, prefix + "subs"), channel).next()
                .doOnNext(total -> {
                    if (total == 0) {
                        broadcasts.change(Transition.CHANNEL_VACATED, channel, null);
                    }
                }).then();
    }

    @Override
    public Mono<Map<String, JsonNode>> joined(String channel, String userId, JsonNode userInfo) {
        return commands.<Long>eval(JOIN, ScriptOutputType.INTEGER, keys(prefix + "members-of:" + node,
                        prefix + "members:" + channel, prefix + "member-info:" + channel),
                        channel + "\n" + userId, userId, userInfo.toString()).next()
                .flatMap(count -> {
                    Mono<Void> announced = Mono.empty();
                    if (count == 1) {
                        broadcasts.change(Transition.MEMBER_ADDED, channel, userId);
                        announced = announce(channel, userId, userInfo, true);
                    }
                    return announced.then(members(channel));
                });
    }

    @Override
    public Mono<Void> left(String channel, String userId) {
        return commands.<String>eval(LEAVE, ScriptOutputType.VALUE, keys(prefix + "members-of:" + node,
                        prefix + "members:" + channel, prefix + "member-info:" + channel),
                        channel + "\n" + userId, userId).next()
                .flatMap(info -> {
                    broadcasts.change(Transition.MEMBER_REMOVED, channel, userId);
                    return announce(channel, userId, parse(info), false);
                });
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
    public Mono<List<ChannelInfo>> channels(@Nullable String prefixFilter) {
        return commands.hgetall(prefix + "subs").collectMap(entry -> entry.getKey(), entry -> entry.getValue())
                .flatMap(totals -> Flux.fromIterable(new java.util.TreeMap<>(totals).entrySet())
                        .filter(entry -> prefixFilter == null || entry.getKey().startsWith(prefixFilter))
                        .filter(entry -> Long.parseLong(entry.getValue()) > 0)
                        .concatMap(entry -> userCount(entry.getKey()).map(users -> new ChannelInfo(entry.getKey(),
                                Long.parseLong(entry.getValue()), users)))
                        .collectList());
    }

    @Override
    public Mono<ChannelInfo> channel(String channel) {
        return commands.hget(prefix + "subs", channel).map(Long::parseLong).defaultIfEmpty(0L)
                .zipWith(userCount(channel), (subscriptions, users) -> new ChannelInfo(channel, subscriptions, users));
    }

    @Override
    public Mono<Map<String, JsonNode>> members(String channel) {
        return commands.hgetall(prefix + "member-info:" + channel)
                .collect(LinkedHashMap::new, (map, entry) -> map.put(entry.getKey(), parse(entry.getValue())));
    }

    @Override
    public Mono<Void> terminate(String userId) {
        return commands.publish(prefix + "terminate", userId).then();
    }

    @Override
    public Flux<String> terminations() {
        return broadcasts.terminations();
    }

    private Mono<Long> userCount(String channel) {
        return ConsoleChannels.isPresence(channel) ? commands.hlen(prefix + "members:" + channel) : Mono.just(0L);
    }

    private Mono<Void> announce(String channel, String userId, JsonNode info, boolean added) {
        ObjectNode message = JSON.createObjectNode().put("c", channel).put("u", userId).put("a", added);
        message.set("i", info);
        return commands.publish(prefix + "presence", message.toString()).then();
    }

    private void presenceMessage(String text) {
        try {
            JsonNode message = JSON.readTree(text);
            broadcasts.presence(new PresenceChange(message.path("c").asText(), message.path("u").asText(),
                    message.path("i"), message.path("a").asBoolean()));
        } catch (Exception unreadable) {
            log.warn("unreadable presence announcement: {}", unreadable.toString());
        }
    }

    private Mono<Void> beat() {
        return commands.zadd(prefix + "nodes", System.currentTimeMillis(), node).then();
    }

    /** Sweeps every node that stopped beating. */
    Mono<Void> sweep() {
        long cutoff = System.currentTimeMillis() - DEAD_AFTER.toMillis();
        return commands.zrangebyscore(prefix + "nodes", Range.create(0, cutoff))
                .concatMap(dead -> sweep(dead, cutoff))
                .then();
    }

    private Mono<Void> sweep(String deadNode, double cutoff) {
        return commands.<Object>eval(SWEEP, ScriptOutputType.MULTI, keys(prefix + "nodes", prefix + "subs",
                        prefix + "subs:" + deadNode, prefix + "members-of:" + deadNode), deadNode,
                        Long.toString((long) cutoff), prefix)
                .collectList()
                .flatMap(result -> {
                    List<Object> flat = flatten(result);
                    if (!flat.isEmpty()) {
                        log.info("swept console node {}: {} transitions", deadNode, flat.size() / 4);
                    }
                    List<Mono<Void>> announcements = new ArrayList<>();
                    for (int i = 0; i + 3 < flat.size(); i += 4) {
                        String kind = String.valueOf(flat.get(i));
                        String channel = String.valueOf(flat.get(i + 1));
                        if (kind.equals("vacated")) {
                            broadcasts.change(Transition.CHANNEL_VACATED, channel, null);
                        } else {
                            String user = String.valueOf(flat.get(i + 2));
                            broadcasts.change(Transition.MEMBER_REMOVED, channel, user);
                            announcements.add(announce(channel, user, parse(String.valueOf(flat.get(i + 3))), false));
                        }
                    }
                    return Flux.concat(announcements).then();
                });
    }

    @SuppressWarnings("unchecked")
    private static List<Object> flatten(List<Object> result) {
        if (result.size() == 1 && result.get(0) instanceof List<?> nested) {
            return (List<Object>) nested;
        }
        return result;
    }

    private static JsonNode parse(String info) {
        try {
            return JSON.readTree(info);
        } catch (Exception unreadable) {
            return JSON.nullNode();
        }
    }

    private static String[] keys(String... keys) {
        return keys;
    }

    /** Leaves the installation: this node's subscriptions and members are swept at once, with their transitions. */
    @Override
    public void destroy() {
        running.dispose();
        try {
            sweep(node, Double.MAX_VALUE).block(Duration.ofSeconds(5));
        } catch (RuntimeException failure) {
            log.warn("console directory of this node not swept at shutdown: {}", failure.toString());
        }
        subscriber.close();
    }
}
