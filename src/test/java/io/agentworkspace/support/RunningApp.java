package io.agentworkspace.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.AgentWorkspaceApplication;
import io.agentworkspace.infrastructure.persistence.DataDirectory;

/**
 * A whole application context started by hand on the production profile, for tests that need two in a row (a
 * restart) or side by side (two nodes) on the same database.
 */
public final class RunningApp implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private RunningApp(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static RunningApp start(String database, Path dataDir, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("server.port", 0);
        properties.put("spring.datasource.url", TestServices.jdbcUrl(database));
        properties.put("spring.datasource.username", TestServices.mariaDbUser());
        properties.put("spring.datasource.password", TestServices.mariaDbPassword());
        properties.put("spring.r2dbc.url", TestServices.r2dbcUrl(database));
        properties.put("spring.r2dbc.username", TestServices.mariaDbUser());
        properties.put("spring.r2dbc.password", TestServices.mariaDbPassword());
        properties.put("spring.data.redis.host", TestServices.redis().host());
        properties.put("spring.data.redis.port", TestServices.redis().port());
        properties.put("agent.data-dir", dataDir.toString());
        properties.put("agent.secrets.master-key", MySqlProfile.TEST_MASTER_KEY);
        properties.putAll(extra);
        if (extra.containsKey("logging.file.name")) {
            // logging is the JVM's: once another context of this JVM set it up (a cached one of an earlier test class),
            // Spring Boot keeps it as it is and this app's log file would never be written; clean up so it starts anew
            org.springframework.boot.logging.LoggingSystem.get(RunningApp.class.getClassLoader()).cleanUp();
        }
        // as command-line arguments: they must win over the profile's own settings
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(AgentWorkspaceApplication.class)
                .profiles("mysql").run(args);
        return new RunningApp(context);
    }

    public int port() {
        return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    /** A client of this node, authorized with the installation's bootstrap admin token. */
    public WebTestClient http() {
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port())
                .responseTimeout(Duration.ofSeconds(30)).build();
        return AdminToken.authorize(client, AdminToken.read(bean(DataDirectory.class).root()));
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public JdbcTemplate jdbc() {
        return bean(JdbcTemplate.class);
    }

    @Override
    public void close() {
        context.close();
    }
}
