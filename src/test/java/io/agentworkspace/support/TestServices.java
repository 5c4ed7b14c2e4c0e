package io.agentworkspace.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MariaDBContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The real MariaDB, Redis and Kafka the integration tests run against. Where the test command started them
 * (deploy/dev/test.sh, or deploy/dev/services.sh with its env file sourced), their addresses come from
 * AGENT_TEST_* variables; where a Docker engine exists instead, Testcontainers starts them. With neither, tests
 * fail with a message that says how to start them: they never fall back to a fake.
 */
public final class TestServices {

    public record Endpoint(String host, int port) {
    }

    private static MariaDBContainer<?> mariaDb;
    private static GenericContainer<?> redis;
    private static KafkaContainer kafka;

    private TestServices() {
    }

    public static synchronized Endpoint mariaDb() {
        String host = System.getenv("AGENT_TEST_MYSQL_HOST");
        if (host != null) {
            return new Endpoint(host, Integer.parseInt(System.getenv("AGENT_TEST_MYSQL_PORT")));
        }
        if (mariaDb == null) {
            requireDocker();
            mariaDb = new MariaDBContainer<>(DockerImageName.parse("mariadb:11.4")).withUsername("root")
                    .withPassword("agent").withCommand("--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci");
            mariaDb.start();
        }
        return new Endpoint(mariaDb.getHost(), mariaDb.getMappedPort(3306));
    }

    public static String mariaDbUser() {
        return envOr("AGENT_TEST_MYSQL_USER", "root");
    }

    public static String mariaDbPassword() {
        return envOr("AGENT_TEST_MYSQL_PASSWORD", "agent");
    }

    public static synchronized Endpoint redis() {
        String host = System.getenv("AGENT_TEST_REDIS_HOST");
        if (host != null) {
            return new Endpoint(host, Integer.parseInt(System.getenv("AGENT_TEST_REDIS_PORT")));
        }
        if (redis == null) {
            requireDocker();
            redis = new GenericContainer<>(DockerImageName.parse("redis:7.2")).withExposedPorts(6379);
            redis.start();
        }
        return new Endpoint(redis.getHost(), redis.getMappedPort(6379));
    }

    public static synchronized String kafkaBootstrap() {
        String bootstrap = System.getenv("AGENT_TEST_KAFKA_BOOTSTRAP");
        if (bootstrap != null) {
            return bootstrap;
        }
        if (kafka == null) {
            requireDocker();
            kafka = new KafkaContainer(DockerImageName.parse("apache/kafka:3.9.1"));
            kafka.start();
        }
        return kafka.getBootstrapServers();
    }

    /** A new, empty database on the MariaDB server, so each test context starts from a clean schema. */
    public static String createDatabase() {
        String name = "agent_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        return name;
    }

    public static boolean databaseExists(String name) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(""), mariaDbUser(), mariaDbPassword());
             var statement = connection.prepareStatement("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?")) {
            statement.setString(1, name);
            try (var rows = statement.executeQuery()) {
                return rows.next() && rows.getInt(1) > 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB query failed: " + e.getMessage(), e);
        }
    }

    public static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(""), mariaDbUser(), mariaDbPassword());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB statement failed: " + e.getMessage(), e);
        }
    }

    public static String jdbcUrl(String database) {
        Endpoint db = mariaDb();
        return "jdbc:mariadb://" + db.host() + ":" + db.port() + "/" + database;
    }

    public static String r2dbcUrl(String database) {
        Endpoint db = mariaDb();
        return "r2dbc:mysql://" + db.host() + ":" + db.port() + "/" + database + "?sslMode=DISABLED";
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value != null ? value : fallback;
    }

    private static void requireDocker() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        if (!docker) {
            throw new IllegalStateException("No MariaDB/Redis/Kafka for the integration tests: run them through "
                    + "deploy/dev/test.sh (it installs and starts the services), or start them with "
                    + "'deploy/dev/services.sh start' and 'source .services/env', or provide a Docker engine.");
        }
    }

    /** The ids of a console channel's events in the durable log of {@code database}, in order. */
    public static List<Long> consoleLogIds(String database, String channel) throws SQLException {
        return new ArrayList<>(consoleEvents(database, channel).stream().map(ConsoleRow::id).toList());
    }

    /** One event of the durable console log: its id and name. */
    public record ConsoleRow(long id, String name) {
    }

    /** The events of a console channel in the durable log of {@code database}, in id order. */
    public static List<ConsoleRow> consoleEvents(String database, String channel) throws SQLException {
        List<ConsoleRow> events = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl(database), mariaDbUser(), mariaDbPassword());
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT id, event FROM console_events WHERE channel = ? ORDER BY id")) {
            statement.setString(1, channel);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    events.add(new ConsoleRow(rows.getLong(1), rows.getString(2)));
                }
            }
        }
        return events;
    }
}
