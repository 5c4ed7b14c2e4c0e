package io.agentworkspace.infrastructure.redis;

import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The logical Redis databases, split as the original deployment split them: cache 0, session 1, queue 2,
 * locks 3 ({@code workspace:lock:{projectId}}).
 */
@ConfigurationProperties("agent.redis.databases")
public record RedisDatabases(@DefaultValue("0") int cache, @DefaultValue("1") int session,
                             @DefaultValue("2") int queue, @DefaultValue("3") int locks) {

    static org.springframework.data.redis.connection.RedisStandaloneConfiguration standalone(RedisProperties redis,
                                                                                          int database) {
        var config = new org.springframework.data.redis.connection.RedisStandaloneConfiguration(
                redis.getHost(), redis.getPort());
        config.setDatabase(database);
        if (redis.getUsername() != null) {
            config.setUsername(redis.getUsername());
        }
        if (redis.getPassword() != null) {
            config.setPassword(redis.getPassword());
        }
        return config;
    }
}
