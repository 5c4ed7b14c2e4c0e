package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.agentworkspace.auth.Ability;
import io.agentworkspace.auth.TokenIssuance;
import io.agentworkspace.infrastructure.persistence.DataDirectory;
import io.agentworkspace.support.AdminToken;
import io.agentworkspace.support.EmbeddedApp;

/**
 * The console against unmodified client libraries (src/test/node/acceptance.mjs): pusher-js 8 over the Pusher
 * protocol with private-channel authorization, the official `pusher` server SDK signing HTTP publishes, the
 * `eventsource` client dropping and resuming with Last-Event-ID, a WebSocket client catching up by polling, and
 * two pusher-js clients of different tokens on a presence channel.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsoleClientsIT {

    static final String SECRET = "console-clients-it-secret";

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "console-clients-it");
        registry.add("agent.console.pusher.secret", () -> SECRET);
    }

    @Autowired
    ConsoleEventService console;
    @Autowired
    PusherCredentials credentials;
    @Autowired
    DataDirectory dataDirectory;
    @Autowired
    TokenIssuance issuance;
    @LocalServerPort
    int port;

    @Test
    void realClientLibrariesReceiveEveryEventExactlyOnceInOrder() throws Exception {
        // a second user for the presence channel: another token, another user_id
        TokenIssuance.Issued watcher = issuance.issue("presence-watcher", EnumSet.of(Ability.CONSOLE_SUBSCRIBE), null,
                null, "test").block(Duration.ofSeconds(30));
        Map<String, String> environment = NodeClients.environment(port, AdminToken.read(dataDirectory.root()),
                credentials, Map.of("CONSOLE_TOKEN_2", watcher.plaintext(), "CONSOLE_TOKEN_2_NAME", "presence-watcher"));
        try (NodeClients.Script clients = NodeClients.Script.start("acceptance.mjs", environment)) {
            String channel = clients.await("SUBSCRIBED ", Duration.ofSeconds(60)).substring("SUBSCRIBED ".length());
            for (int n = 0; n < 20; n++) {
                console.publish(channel, "console.line", Map.of("n", n, "text", "line " + n)).block(Duration.ofSeconds(10));
            }
            clients.send("PUBLISHED 20");
            clients.await("DONE", Duration.ofSeconds(120));
            assertThat(clients.exitCode(Duration.ofSeconds(10))).isZero();
            assertThat(clients.output()).anyMatch(line -> line.startsWith("OK A"))
                    .anyMatch(line -> line.startsWith("OK B")).anyMatch(line -> line.startsWith("OK C"))
                    .anyMatch(line -> line.startsWith("OK D")).anyMatch(line -> line.startsWith("OK E"));
        }
    }
}
