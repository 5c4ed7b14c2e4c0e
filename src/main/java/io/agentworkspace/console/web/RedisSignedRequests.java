package io.agentworkspace.console.web;

import java.time.Instant;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import io.agentworkspace.console.PusherCredentials;
import io.agentworkspace.infrastructure.redis.RedisDatabase;
import reactor.core.publisher.Mono;

/**
 * Several nodes ({@code agent.console.fanout=redis}, the {@code mysql} profile): accepted signatures in the Redis
 * cache database, so a request accepted by one node is a replay on every other. {@code SET NX} with an absolute
 * expiry: one atomic round trip.
 */
@Component
@ConditionalOnProperty(name = "agent.console.fanout", havingValue = "redis")
class RedisSignedRequests implements SignedRequests {

    private final RedisReactiveCommands<String, String> redis;
    private final String prefix;

    RedisSignedRequests(@Qualifier("cache") RedisDatabase cache, PusherCredentials credentials) {
        this.redis = cache.commands();
        this.prefix = "pusher-request:" + credentials.appId() + ":";
    }

    @Override
    public Mono<Boolean> claim(String signature, Instant until) {
        return redis.set(prefix + signature, "1", SetArgs.Builder.nx().pxAt(until.toEpochMilli()))
                .map("OK"::equals)
                .defaultIfEmpty(false);
    }

    @Override
    public Mono<Void> release(String signature) {
        return redis.del(prefix + signature).then();
    }
}
