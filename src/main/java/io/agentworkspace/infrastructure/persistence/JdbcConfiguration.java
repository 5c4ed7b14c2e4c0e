package io.agentworkspace.infrastructure.persistence;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.StringUtils;

/**
 * The JDBC side: the event store, token store and projection writes. Spring Boot creates no DataSource once an
 * R2DBC ConnectionFactory exists, and Axon would then run without transactions without saying so; both are
 * declared here. With no URL configured, the embedded H2 file under the data directory is used.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DataSourceProperties.class)
class JdbcConfiguration {

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(DataSourceProperties properties, DataDirectory dataDirectory) {
        if (!StringUtils.hasText(properties.getUrl())) {
            properties.setUrl("jdbc:h2:" + EmbeddedDatabase.h2Url(dataDirectory));
            properties.setUsername("sa");
            properties.setPassword("");
        }
        return properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
    }

    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }
}
