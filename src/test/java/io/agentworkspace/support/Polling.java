package io.agentworkspace.support;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.lang.Nullable;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Reads for polling waits. A status that is not the awaited one yet (a 404 before the read model has the row) is an
 * answer to poll again on, not a failed assertion: WebTestClient logs the whole exchange of every failed assertion,
 * so waits that asserted their way through expected refusals buried the real failures among them.
 */
public final class Polling {

    private Polling() {
    }

    /** The JSON body of a 2xx answer; null for any other status. */
    @Nullable
    public static JsonNode jsonWhenOk(WebTestClient.RequestHeadersSpec<?> request) {
        EntityExchangeResult<JsonNode> result = request.exchange().expectBody(JsonNode.class).returnResult();
        return result.getStatus().is2xxSuccessful() ? result.getResponseBody() : null;
    }
}
