package io.agentworkspace.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The one check of a refusal: its status, problem+json, its type, and nothing of a stack trace in it. */
public final class ProblemAssertions {

    private ProblemAssertions() {
    }

    /** Asserts the response is the problem {@code /problems/<type>} with {@code status}; returns its body. */
    public static JsonNode problem(WebTestClient.ResponseSpec response, HttpStatus status, String type) {
        JsonNode body = response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(body.get("type").asText()).isEqualTo("/problems/" + type);
        assertThat(body.toString()).doesNotContain("\tat ", "Exception", "java.lang");
        return body;
    }
}
