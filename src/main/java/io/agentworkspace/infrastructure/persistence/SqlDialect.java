package io.agentworkspace.infrastructure.persistence;

import java.util.Locale;

/** The SQL databases the product speaks, told apart by their JDBC URL. */
public enum SqlDialect {
    H2("h2"),
    MYSQL("mysql");

    private final String migrations;

    SqlDialect(String migrations) {
        this.migrations = migrations;
    }

    public static SqlDialect of(String jdbcUrl) {
        String url = jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            return MYSQL;
        }
        throw new IllegalStateException("unsupported database URL: only H2 (embedded) and MariaDB/MySQL are supported");
    }

    String migrations() {
        return migrations;
    }
}
