package io.agentworkspace.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
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
 * The rest of the Pusher Channels API against unmodified client libraries (src/test/node/pusher-api.mjs): channel
 * information and terminateUserConnections through the `pusher` server SDK, client events through laravel-echo's
 * whisper (and their refusals), and webhooks whose signatures the SDK's own check accepts, retried while their
 * receiver is not yet listening.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PusherApiIT {

    static final String SECRET = "pusher-api-it-secret";
    static int webhookPort;

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) throws Exception {
        EmbeddedApp.dataDir(registry, "pusher-api-it");
        try (ServerSocket socket = new ServerSocket(0)) {
            webhookPort = socket.getLocalPort();
        }
        registry.add("agent.console.pusher.secret", () -> SECRET);
        registry.add("agent.console.client-events.enabled", () -> "true");
        registry.add("agent.console.webhooks.url", () -> "http://127.0.0.1:" + webhookPort + "/pusher/webhooks");
        registry.add("agent.console.webhooks.max-attempts", () -> "40");
        registry.add("agent.console.webhooks.backoff", () -> "250ms");
    }

    @Autowired
    PusherCredentials credentials;
    @Autowired
    DataDirectory dataDirectory;
    @Autowired
    TokenIssuance issuance;
    @LocalServerPort
    int port;

    @Test
    void channelInformationTerminationClientEventsAndWebhooksWorkWithThePusherLibraries() throws Exception {
        TokenIssuance.Issued other = issuance.issue("second-user", EnumSet.of(Ability.CONSOLE_SUBSCRIBE), null, null,
                "test").block(Duration.ofSeconds(30));
        Map<String, String> environment = NodeClients.environment(port, AdminToken.read(dataDirectory.root()),
                credentials, Map.of("CONSOLE_TOKEN_2", other.plaintext(), "WEBHOOK_PORT", String.valueOf(webhookPort)));
        try (NodeClients.Script clients = NodeClients.Script.start("pusher-api.mjs", environment)) {
            clients.await("DONE", Duration.ofSeconds(300));
            assertThat(clients.exitCode(Duration.ofSeconds(10))).isZero();
            assertThat(clients.output()).anyMatch(line -> line.startsWith("OK F"))
                    .anyMatch(line -> line.startsWith("OK G")).anyMatch(line -> line.startsWith("OK H"))
                    .anyMatch(line -> line.startsWith("OK I"));
        }
    }
}
