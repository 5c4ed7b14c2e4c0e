package io.agentworkspace.console.web;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The shapes the console's polling page and SSE stream write (as bytes, see {@code ConsoleEvent.itemJson()}), named
 * for the OpenAPI document; {@code OpenApiContractIT} reads real answers against them.
 */
final class ConsoleWire {

    private ConsoleWire() {
    }

    @Schema(description = "One console event. In SSE it is the `data:` of a message whose `id:` is the same id.")
    record Item(@Schema(description = "its position in the console log: dense, increasing within every channel")
                long id,
                String channel,
                @Schema(description = "the event name, e.g. `run.output`") String event,
                @Schema(description = "the published data: a JSON value (a string when it was not JSON)") JsonNode data,
                Instant publishedAt) {
    }

    @Schema(description = "A page of a channel's events, oldest first.")
    record Page(String channel, List<Item> events,
                @Schema(description = "the cursor for the next page (`after`)") long next,
                @Schema(description = "whether a full page came back, so more may follow") boolean more) {
    }

    @Schema(description = "SSE `event: reset`: events of the channel up to `missedThrough` are gone (retention); "
            + "the stream goes on after it.")
    record Reset(String channel, long missedThrough) {
    }

    @Schema(description = "SSE `event: end`, the stream's last message: `token-invalid` (revoked or expired) or "
            + "`slow-consumer` (the client fell too far behind); reconnect with `Last-Event-ID: lastEventId`.")
    record End(@Schema(allowableValues = {"token-invalid", "slow-consumer"}) String reason, long lastEventId) {
    }

    @Schema(description = "What `/broadcasting/auth` reads, form-encoded (pusher-js) or JSON (laravel-echo).")
    record AuthorizationRequest(@Schema(name = "socket_id", example = "123.456") String socketId,
                                @Schema(name = "channel_name", example = "private-run.1") String channelName,
                                @Schema(description = "an event id to resume the subscription after",
                                        nullable = true) String since) {
    }
}
