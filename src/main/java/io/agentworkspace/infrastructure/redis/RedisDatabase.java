package io.agentworkspace.infrastructure.redis;

import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;

/**
 * One logical Redis database through Lettuce's own reactive API: one connection, opened eagerly (so the first
 * command never connects on an event loop) and shared by every caller, which Lettuce pipelines. Deliberately not
 * a Spring Data RedisConnectionFactory bean: that would switch Spring Boot's own Redis configuration off, and its
 * shared-connection lock parks callers under contention.
 */
public final class RedisDatabase implements DisposableBean {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    private RedisDatabase(RedisClient client, StatefulRedisConnection<String, String> connection) {
        this.client = client;
        this.connection = connection;
    }

    public static RedisDatabase connect(RedisProperties redis, int database) {
        RedisURI.Builder uri = RedisURI.builder().withHost(redis.getHost()).withPort(redis.getPort())
                .withDatabase(database)
                .withTimeout(redis.getTimeout() != null ? redis.getTimeout() : Duration.ofSeconds(5))
                .withSsl(redis.getSsl().isEnabled());
        if (redis.getPassword() != null && !redis.getPassword().isEmpty()) {
            if (redis.getUsername() != null && !redis.getUsername().isEmpty()) {
                uri.withAuthentication(redis.getUsername(), redis.getPassword());
            } else {
                uri.withPassword(redis.getPassword().toCharArray());
            }
        }
        RedisClient client = RedisClient.create(uri.build());
        try {
            return new RedisDatabase(client, client.connect());
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    public RedisReactiveCommands<String, String> commands() {
        return connection.reactive();
    }

    /**
     * A new connection for pub/sub (a subscribed connection takes no other commands; pub/sub channels are not
     * scoped to a database). Opened now, blocking: call it at startup. The caller closes it.
     */
    public StatefulRedisPubSubConnection<String, String> connectPubSub() {
        return client.connectPubSub();
    }

    @Override
    public void destroy() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
