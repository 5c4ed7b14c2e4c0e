package io.agentworkspace.support;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.agentworkspace.auth.Ability;
import io.agentworkspace.auth.TokenIssuance;

/** Registers a project from a local repository through the API and waits until its workspace is cloned. */
public final class ProjectWorkspaces {

    private ProjectWorkspaces() {
    }

    public static String registerAndClone(WebTestClient http, Path repository) {
        String id = http.post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "ws-" + UUID.randomUUID(), "localPath", repository.toString()))
                .exchange().expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode project = http.get().uri("/api/projects/" + id).exchange()
                    .returnResult(JsonNode.class).getResponseBody().blockFirst(Duration.ofSeconds(10));
            return project != null && "ready".equals(project.at("/workspace/status").asText());
        });
        return id;
    }

    /** A bearer token with exactly the given abilities. */
    public static String token(TokenIssuance issuance, Ability... abilities) {
        return issuance.issue("test-" + UUID.randomUUID(), EnumSet.of(abilities[0], abilities), null, null, "test")
                .block(Duration.ofSeconds(30)).plaintext();
    }
}
