package io.agentworkspace.console;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import io.agentworkspace.infrastructure.redis.RedisDatabase;
import io.agentworkspace.infrastructure.redis.RedisDatabases;

@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration {

    /** {@code agent.console.fanout}: {@code local} for one node (the embedded default), {@code redis} for several. */
    @Bean
    ConsoleFanout consoleFanout(ConsoleSettings settings, JdbcTemplate jdbc, ObjectProvider<RedisProperties> redis,
                                RedisDatabases databases) {
        return switch (settings.fanout()) {
            case "local" -> new LocalFanout();
            case "redis" -> new RedisFanout(RedisDatabase.connect(redis.getObject(), databases.cache()),
                    jdbc.queryForObject("SELECT installation_id FROM console_log WHERE name = 'head'", String.class));
            default -> throw new IllegalStateException("agent.console.fanout must be local or redis, not "
                    + settings.fanout());
        };
    }

    /** Subscriptions and presence members: in memory on one node, in Redis when nodes share the log. */
    @Bean
    ChannelDirectory channelDirectory(ConsoleSettings settings, JdbcTemplate jdbc, ObjectProvider<RedisProperties> redis,
                                      RedisDatabases databases) {
        return switch (settings.fanout()) {
            case "redis" -> new RedisChannelDirectory(RedisDatabase.connect(redis.getObject(), databases.cache()),
                    jdbc.queryForObject("SELECT installation_id FROM console_log WHERE name = 'head'", String.class));
            default -> new LocalChannelDirectory();
        };
    }
}
