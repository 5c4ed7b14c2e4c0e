package io.agentworkspace.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Waits on the read models through {@code GET /api/projections}, as an operator's script would. */
public final class ProjectionsApi {

    private ProjectionsApi() {
    }

    /**
     * Until every projection has handled the newest event and the history has stopped growing (the same head on two
     * reads a poll apart): what follows reads settled models.
     */
    public static void awaitCaughtUp(WebTestClient http) {
        long[] lastHead = {Long.MIN_VALUE};
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            JsonNode projections = Polling.jsonWhenOk(http.get().uri("/api/projections"));
            if (projections == null || !projections.isArray() || projections.isEmpty()) {
                return false;
            }
            long head = Long.MIN_VALUE;
            boolean caughtUp = true;
            for (JsonNode projection : projections) {
                head = Math.max(head, projection.path("head").asLong());
                caughtUp &= projection.path("lag").asLong() == 0
                        && projection.path("position").asLong() >= projection.path("head").asLong();
            }
            boolean settled = caughtUp && head == lastHead[0];
            lastHead[0] = head;
            return settled;
        });
    }
}
