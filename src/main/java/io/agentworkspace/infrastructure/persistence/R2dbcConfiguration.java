package io.agentworkspace.infrastructure.persistence;

import java.time.Duration;

import io.r2dbc.h2.H2ConnectionConfiguration;
import io.r2dbc.h2.H2ConnectionFactory;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

import io.agentworkspace.infrastructure.BlockingWork;

/**
 * The read side of the embedded default. r2dbc-h2 runs H2 on whichever thread subscribes, which would be a Netty
 * event loop; the pool is therefore wrapped so every database call is subscribed on the blocking pool. With
 * {@code spring.r2dbc.url} set (MariaDB/MySQL), Spring Boot's own configuration applies instead.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(R2dbcConfiguration.NoR2dbcUrl.class)
class R2dbcConfiguration {

    @Bean
    OffloadedConnectionFactory connectionFactory(DataDirectory dataDirectory, BlockingWork blocking) {
        H2ConnectionFactory h2 = new H2ConnectionFactory(H2ConnectionConfiguration.builder()
                .url(EmbeddedDatabase.h2Url(dataDirectory)).username("sa").build());
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(h2)
                .initialSize(1).maxSize(10).maxIdleTime(Duration.ofMinutes(5)).build());
        return new OffloadedConnectionFactory(pool, blocking.scheduler());
    }

    static class NoR2dbcUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !StringUtils.hasText(context.getEnvironment().getProperty("spring.r2dbc.url"));
        }
    }
}
