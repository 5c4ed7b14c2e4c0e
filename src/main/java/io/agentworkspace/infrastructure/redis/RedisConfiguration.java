package io.agentworkspace.infrastructure.redis;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Redis in the production profile (Lettuce, reactive); the embedded default runs without it. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "agent.redis.enabled", havingValue = "true")
class RedisConfiguration {

    @Bean
    @Qualifier("cache")
    RedisDatabase cacheRedis(RedisProperties redis, RedisDatabases databases) {
        return RedisDatabase.connect(redis, databases.cache());
    }

    @Bean
    @Qualifier("locks")
    RedisDatabase locksRedis(RedisProperties redis, RedisDatabases databases) {
        return RedisDatabase.connect(redis, databases.locks());
    }
}
