package io.agentworkspace.infrastructure.persistence;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.stereotype.Component;

/**
 * Picks the migration set for the configured database, so the schema follows the driver rather than a profile:
 * {@code db/migration/h2} for the embedded default, {@code db/migration/mysql} for MariaDB and MySQL.
 */
@Component
class FlywayLocations implements FlywayConfigurationCustomizer {

    private final HikariDataSource dataSource;

    FlywayLocations(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void customize(FluentConfiguration configuration) {
        configuration.locations("classpath:db/migration/" + SqlDialect.of(dataSource.getJdbcUrl()).migrations());
    }
}
