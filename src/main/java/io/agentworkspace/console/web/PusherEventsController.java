package io.agentworkspace.console.web;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import io.agentworkspace.console.ConsoleChannels;
import io.agentworkspace.console.ConsoleEventService;
import io.agentworkspace.console.PusherCredentials;
import io.agentworkspace.infrastructure.RejectedCommand;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Pusher HTTP API's publish endpoints, so services publish with the official Pusher server SDKs. Requests are
 * signed: {@code auth_signature = hex(HMAC-SHA256(secret, "POST\n" + path + "\n" + sorted query))} over
 * {@code auth_key}, {@code auth_timestamp} (within {@link #MAX_SKEW}), {@code auth_version=1.0} and the body's
 * {@code body_md5}. The answer is Pusher's {@code {}} plus the ids the events got.
 */
@RestController
class PusherEventsController {

    static final Duration MAX_SKEW = Duration.ofSeconds(600);
    static final int MAX_CHANNELS = 100;
    static final int MAX_BATCH = 10;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final com.fasterxml.jackson.databind.ObjectReader STRICT = JSON.reader()
            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final PusherCredentials credentials;
    private final ConsoleEventService console;
    private final SignedRequests accepted;
    private final Clock clock;

    PusherEventsController(PusherCredentials credentials, ConsoleEventService console, SignedRequests accepted,
                           Clock clock) {
        this.credentials = credentials;
        this.console = console;
        this.accepted = accepted;
        this.clock = clock;
    }

    private record Publication(String channel, String name, String data, @Nullable String socketId) {
    }

    /** A request whose signature and timestamp verified. */
    private record Verified(JsonNode body, String signature, long timestamp) {
    }

    @PostMapping("/apps/{appId}/events")
    Mono<ResponseEntity<Map<String, Object>>> trigger(@PathVariable String appId,
                                                      @RequestBody(required = false) @Nullable byte[] body,
                                                      ServerWebExchange exchange) {
        Verified verified = verified(appId, body, exchange);
        JsonNode request = verified.body();
        String name = field(request, "name");
        String data = field(request, "data");
        List<String> channels = new ArrayList<>();
        if (request.path("channels").isArray()) {
            request.path("channels").forEach(channel -> channels.add(channel.isTextual() ? channel.textValue() : ""));
        } else if (request.path("channel").isTextual()) {
            channels.add(request.path("channel").textValue());
        }
        if (channels.isEmpty() || channels.size() > MAX_CHANNELS) {
            throw RejectedCommand.invalid("invalid-channels", "channels", "give 1-" + MAX_CHANNELS + " channels");
        }
        String socketId = request.path("socket_id").isTextual() ? request.path("socket_id").textValue() : null;
        List<Publication> publications = channels.stream()
                .map(channel -> new Publication(channel, name, data, socketId)).toList();
        return once(verified, publications).map(ids -> {
            Map<String, Long> byChannel = new LinkedHashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                byChannel.put(publications.get(i).channel(), ids.get(i));
            }
            return ResponseEntity.ok(Map.of("ids", byChannel));
        });
    }

    @PostMapping("/apps/{appId}/batch_events")
    Mono<ResponseEntity<Map<String, Object>>> batch(@PathVariable String appId,
                                                    @RequestBody(required = false) @Nullable byte[] body,
                                                    ServerWebExchange exchange) {
        Verified verified = verified(appId, body, exchange);
        JsonNode batch = verified.body().path("batch");
        if (!batch.isArray() || batch.isEmpty() || batch.size() > MAX_BATCH) {
            throw RejectedCommand.invalid("invalid-batch", "batch", "batch must hold 1-" + MAX_BATCH + " events");
        }
        List<Publication> publications = new ArrayList<>();
        batch.forEach(event -> publications.add(new Publication(field(event, "channel"), field(event, "name"),
                field(event, "data"), event.path("socket_id").isTextual() ? event.path("socket_id").textValue() : null)));
        return once(verified, publications).map(ids -> {
            List<Map<String, Object>> results = ids.stream().map(id -> Map.<String, Object>of("id", id)).toList();
            return ResponseEntity.ok(Map.of("batch", results));
        });
    }

    /**
     * Validates everything first, so a bad event in a request publishes none of it; then publishes only if the
     * request was not accepted before. A signed request stays verifiable for its whole timestamp window, so it is
     * remembered until the window ends; one that could not be carried out is forgotten again, so the publisher may
     * retry it.
     */
    private Mono<List<Long>> once(Verified request, List<Publication> publications) {
        for (Publication publication : publications) {
            ConsoleChannels.requireValid(publication.channel());
            ConsoleChannels.requireValidEvent(publication.name());
            if (publication.data().getBytes(StandardCharsets.UTF_8).length > console.maxEventBytes()) {
                throw new ResponseStatusException(HttpStatus.PAYLOAD_TOO_LARGE,
                        "event data must not exceed " + console.maxEventBytes() + " bytes");
            }
        }
        // all of a request's events are queued at once, in order: they share group commits instead of each
        // waiting for the previous one's
        Mono<List<Long>> publish = Mono.defer(() -> Flux.fromIterable(publications.stream()
                        .map(publication -> console.publishText(publication.channel(), publication.name(),
                                publication.data(), isJson(publication.data()), publication.socketId()))
                        .toList())
                .concatMap(appended -> appended)
                .collectList());
        Instant windowEnds = Instant.ofEpochSecond(request.timestamp()).plus(MAX_SKEW).plusSeconds(1);
        return accepted.claim(request.signature(), windowEnds).flatMap(first -> first
                ? publish.onErrorResume(failure -> accepted.release(request.signature()).then(Mono.error(failure)))
                : Mono.error(new ConsoleProblems.Unsigned("replayed-request", "This signed request was accepted "
                        + "before; sign every request anew (the Pusher SDKs do, unless the same event is sent twice "
                        + "within one second)")));
    }

    private Verified verified(String appId, @Nullable byte[] body, ServerWebExchange exchange) {
        byte[] bytes = body == null ? new byte[0] : body;
        PusherQuery query = PusherQuery.parse(exchange.getRequest().getURI().getRawQuery());
        String signature = query.get("auth_signature");
        String key = query.get("auth_key");
        String timestamp = query.get("auth_timestamp");
        if (signature == null || key == null || timestamp == null || !"1.0".equals(query.get("auth_version"))
                || query.get("body_md5") == null) {
            throw new ConsoleProblems.Unsigned("unsigned-request", "The request must be signed as the Pusher HTTP API "
                    + "requires: auth_key, auth_timestamp, auth_version=1.0, body_md5, auth_signature");
        }
        if (!PusherSignatures.same(credentials.appId(), appId) || !PusherSignatures.same(credentials.key(), key)) {
            throw new ConsoleProblems.Unsigned("invalid-signature", "Unknown app id or key");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new ConsoleProblems.Unsigned("stale-request", "auth_timestamp must be Unix seconds");
        }
        if (Math.abs(clock.instant().getEpochSecond() - seconds) > MAX_SKEW.toSeconds()) {
            throw new ConsoleProblems.Unsigned("stale-request",
                    "auth_timestamp is more than " + MAX_SKEW.toSeconds() + " s from the server's clock");
        }
        String text = query.stringToSign("POST", exchange.getRequest().getPath().value());
        if (!PusherSignatures.same(PusherSignatures.hmac(credentials.secret(), text), signature)
                || !PusherSignatures.same(PusherSignatures.md5(bytes), query.get("body_md5"))) {
            throw new ConsoleProblems.Unsigned("invalid-signature", "auth_signature or body_md5 does not match");
        }
        try {
            JsonNode request = JSON.readTree(bytes);
            if (request == null || !request.isObject()) {
                throw new IllegalArgumentException();
            }
            return new Verified(request, signature, seconds);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw RejectedCommand.invalid("malformed-request", null, "The body must be a JSON object");
        }
    }

    private static String field(JsonNode node, String name) {
        JsonNode value = node.path(name);
        if (!value.isTextual()) {
            throw RejectedCommand.invalid("malformed-request", name, name + " must be a string");
        }
        return value.textValue();
    }

    static boolean isJson(String data) {
        try {
            STRICT.readTree(data);
            return !data.isBlank();
        } catch (java.io.IOException notJson) {
            return false;
        }
    }
}
