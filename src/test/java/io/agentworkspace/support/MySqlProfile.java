package io.agentworkspace.support;

import java.nio.file.Path;

import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a test application context at the real services: a fresh MariaDB database, Redis, optionally Kafka. */
public final class MySqlProfile {

    /** The master key every test node shares (like the nodes of one installation); test-only, never a real key. */
    public static final String TEST_MASTER_KEY = "dGVzdC1vbmx5LW1hc3Rlci1rZXktMzItYnl0ZXMhISE=";

    private MySqlProfile() {
    }

    public static void register(DynamicPropertyRegistry registry, String database, Path dataDir) {
        registry.add("spring.datasource.url", () -> TestServices.jdbcUrl(database));
        registry.add("spring.datasource.username", TestServices::mariaDbUser);
        registry.add("spring.datasource.password", TestServices::mariaDbPassword);
        registry.add("spring.r2dbc.url", () -> TestServices.r2dbcUrl(database));
        registry.add("spring.r2dbc.username", TestServices::mariaDbUser);
        registry.add("spring.r2dbc.password", TestServices::mariaDbPassword);
        registry.add("spring.data.redis.host", () -> TestServices.redis().host());
        registry.add("spring.data.redis.port", () -> TestServices.redis().port());
        registry.add("agent.data-dir", dataDir::toString);
        registry.add("agent.secrets.master-key", () -> TEST_MASTER_KEY);
    }

    public static void registerKafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", TestServices::kafkaBootstrap);
        // each context exports its history to a topic of its own on the shared broker
        String topic = "test-events-" + java.util.UUID.randomUUID();
        registry.add("agent.kafka.export.topic", () -> topic);
    }
}
