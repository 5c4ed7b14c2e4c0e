package io.agentworkspace.infrastructure.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.mock.env.MockEnvironment;

/**
 * One TLS setting reaches both MariaDB drivers' configuration (a TLS-enabled MariaDB is not started here): the JDBC
 * data source the application builds, and the R2DBC connection options through the customizer it registers.
 */
class DatabaseTlsTest {

    @Test
    void verifyIdentityReachesTheJdbcAndTheR2dbcDriver() {
        DatabaseTls tls = new DatabaseTls("verify-identity", Path.of("/etc/agent/db-ca.pem"));
        JdbcConfiguration configuration = new JdbcConfiguration();
        DataSourceProperties properties = new DataSourceProperties();
        properties.setUrl("jdbc:mariadb://db.internal:3306/agent_workspace");
        try (HikariDataSource jdbc = configuration.dataSource(properties, null, tls)) {
            assertThat(Map.copyOf(jdbc.getDataSourceProperties())).containsEntry("sslMode", "verify-full")
                    .containsEntry("serverSslCert", "/etc/agent/db-ca.pem");
        }
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse(
                "r2dbc:mysql://db.internal:3306/agent_workspace").mutate();
        configuration.databaseTls(tls, new MockEnvironment().withProperty("spring.r2dbc.url",
                "r2dbc:mysql://db.internal:3306/agent_workspace")).customize(options);
        ConnectionFactoryOptions built = options.build();
        assertThat(built.getValue(Option.valueOf("sslMode"))).isEqualTo("VERIFY_IDENTITY");
        assertThat(built.getValue(Option.valueOf("sslCa"))).isEqualTo("/etc/agent/db-ca.pem");
    }

    @Test
    void theDefaultIsDisabledAndUnknownModesAreRefused() {
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder();
        new DatabaseTls("disabled", Path.of("")).applyTo(options);
        assertThat(options.build().getValue(Option.valueOf("sslMode"))).isEqualTo("DISABLED");
        assertThat(options.build().hasOption(Option.valueOf("sslCa"))).isFalse();
        assertThatThrownBy(() -> new DatabaseTls("yes", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
