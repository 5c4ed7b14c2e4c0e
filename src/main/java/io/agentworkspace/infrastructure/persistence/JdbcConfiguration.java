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
    HikariDataSource dataSource(DataSourceProperties properties, DataDirectory dataDirectory, DatabaseTls tls) {
        if (!StringUtils.hasText(properties.getUrl())) {
            properties.setUrl("jdbc:h2:" + EmbeddedDatabase.h2Url(dataDirectory));
            properties.setUsername("sa");
            properties.setPassword("");
            return properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        }
        HikariDataSource dataSource = properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        if (properties.getUrl().startsWith("jdbc:mariadb:") || properties.getUrl().startsWith("jdbc:mysql:")) {
            tls.applyTo(dataSource);
        }
        if (properties.getUrl().startsWith("jdbc:mariadb:") && !properties.getUrl().contains("useBulkStmts=")) {
            // MariaDB Connector/J sends only INSERT batches in its bulk protocol unless told: the projections' batched
            // UPDATEs (ProjectionWriter) would go one statement each; a URL that sets it decides
            dataSource.addDataSourceProperty("useBulkStmts", "true");
        }
        return dataSource;
    }

    /** The R2DBC side of MariaDB/MySQL gets the same TLS setting as the JDBC side. */
    @Bean
    org.springframework.boot.autoconfigure.r2dbc.ConnectionFactoryOptionsBuilderCustomizer databaseTls(DatabaseTls tls,
            org.springframework.core.env.Environment environment) {
        return options -> {
            String url = environment.getProperty("spring.r2dbc.url", "");
            if (url.startsWith("r2dbc:mysql:") || url.startsWith("r2dbc:mariadb:")) {
                tls.applyTo(options);
            }
        };
    }

    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }
}
