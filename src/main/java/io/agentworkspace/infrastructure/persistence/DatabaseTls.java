package io.agentworkspace.infrastructure.persistence;

import java.nio.file.Path;
import java.util.Locale;

import com.zaxxer.hikari.HikariDataSource;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.lang.Nullable;

/**
 * TLS to MariaDB/MySQL ({@code agent.database.tls.*}), one setting for both drivers: the JDBC side (event store,
 * projections) through MariaDB Connector/J, the R2DBC side (queries) through r2dbc-mysql. Each names the modes
 * differently; this record translates.
 *
 * @param mode   {@code disabled}, {@code required} (encrypted, server not verified), {@code verify-ca} (the server's
 *               certificate chains to {@code caFile}), {@code verify-identity} (and names the host)
 * @param caFile PEM file of the certificate authority that signed the server's certificate
 */
@ConfigurationProperties("agent.database.tls")
public record DatabaseTls(@DefaultValue("disabled") String mode, @Nullable Path caFile) {

    public DatabaseTls {
        if (!java.util.List.of("disabled", "required", "verify-ca", "verify-identity").contains(mode)) {
            throw new IllegalArgumentException("agent.database.tls.mode is disabled, required, verify-ca or verify-identity");
        }
        if (caFile != null && caFile.toString().isEmpty()) {
            caFile = null;
        }
    }

    /** MariaDB Connector/J: {@code sslMode} (disable, trust, verify-ca, verify-full) and {@code serverSslCert}. */
    void applyTo(HikariDataSource dataSource) {
        dataSource.addDataSourceProperty("sslMode", switch (mode) {
            case "required" -> "trust";
            case "verify-identity" -> "verify-full";
            case "verify-ca" -> "verify-ca";
            default -> "disable";
        });
        if (caFile != null) {
            dataSource.addDataSourceProperty("serverSslCert", caFile.toString());
        }
    }

    /** r2dbc-mysql: {@code sslMode} (DISABLED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY) and {@code sslCa}. */
    void applyTo(ConnectionFactoryOptions.Builder options) {
        options.option(Option.valueOf("sslMode"), mode.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (caFile != null) {
            options.option(Option.valueOf("sslCa"), caFile.toString());
        }
    }
}
