package io.agentworkspace.console.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.embedded.netty.NettyRouteProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

import io.agentworkspace.console.ChannelDirectory;
import io.agentworkspace.console.ConsoleChannels;
import io.agentworkspace.console.ConsoleEventService;
import io.agentworkspace.console.ConsoleUnavailable;
import io.agentworkspace.console.PusherCredentials;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.web.Problems;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The Pusher HTTP API, so services use it with the official Pusher server SDKs: {@code POST /apps/{appId}/events}
 * and {@code /batch_events}, the channel information ({@code GET /apps/{appId}/channels}, {@code /channels/{name}},
 * {@code /channels/{name}/users}) and {@code POST /apps/{appId}/users/{userId}/terminate_connections}. Served by Reactor Netty directly, ahead of WebFlux: these requests carry their own
 * authentication (a signature over the request), and the publish is the service's hottest request, so it skips the
 * web framework's mapping, argument resolution, filters and content negotiation; its answers are written as bytes.
 * Errors are the same problem+json as everywhere else.
 *
 * <p>Requests are signed: {@code auth_signature = hex(HMAC-SHA256(secret, METHOD + "\n" + path + "\n" + sorted
 * query))} over {@code auth_key}, {@code auth_timestamp} (within {@link #MAX_SKEW}), {@code auth_version=1.0} and,
 * with a body, {@code body_md5}. The query is parsed once ({@link PusherQuery}). A signed request is accepted once.
 */
@Component
class PusherHttpApi implements NettyRouteProvider {

    static final Duration MAX_SKEW = Duration.ofSeconds(600);
    static final int MAX_CHANNELS = 100;
    static final int MAX_BATCH = 10;
    static final int MAX_BODY_BYTES = 256 * 1024;
    private static final Logger log = LoggerFactory.getLogger(PusherHttpApi.class);
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    private static final java.util.regex.Pattern USER_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_\\-=@,.;:]{1,200}");

    private final PusherCredentials credentials;
    private final ConsoleEventService console;
    private final ChannelDirectory directory;
    private final SignedRequests accepted;
    private final Clock clock;
    private final ObjectMapper problems;

    PusherHttpApi(PusherCredentials credentials, ConsoleEventService console, ChannelDirectory directory,
                  SignedRequests accepted, Clock clock, ObjectMapper problems) {
        this.directory = directory;
        this.credentials = credentials;
        this.console = console;
        this.accepted = accepted;
        this.clock = clock;
        this.problems = problems;
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.post("/apps/{appId}/events", handled(this::trigger))
                .post("/apps/{appId}/batch_events", handled(this::batch))
                .get("/apps/{appId}/channels", handled(this::channels))
                .get("/apps/{appId}/channels/{channel}", handled(this::channel))
                .get("/apps/{appId}/channels/{channel}/users", handled(this::users))
                .post("/apps/{appId}/users/{userId}/terminate_connections", handled(this::terminate));
    }

    /**
     * {@code GET /apps/{id}/channels[?filter_by_prefix=&info=user_count,subscription_count]}: the occupied channels
     * of every node, as Pusher answers: {@code {"channels": {"name": {...requested figures}}}}. {@code user_count}
     * only with {@code filter_by_prefix=presence-}.
     */
    private Mono<byte[]> channels(HttpServerRequest request, byte[] body) {
        Signed signed = verified(request, "GET", body);
        String prefix = signed.query().get("filter_by_prefix");
        List<String> info = info(signed.query());
        if (info.contains("user_count") && (prefix == null || !prefix.startsWith("presence-"))) {
            throw new Refusal(HttpStatus.BAD_REQUEST, "invalid-info",
                    "info=user_count needs filter_by_prefix=presence-");
        }
        return directory.channels(prefix == null || prefix.isEmpty() ? null : prefix).map(channels -> {
            StringBuilder answer = new StringBuilder("{\"channels\":{");
            for (int i = 0; i < channels.size(); i++) {
                ChannelDirectory.ChannelInfo channel = channels.get(i);
                answer.append(i == 0 ? "\"" : ",\"").append(channel.channel()).append("\":")
                        .append(figures(channel, info, false));
            }
            return answer.append("}}").toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    /** {@code GET /apps/{id}/channels/{channel}[?info=...]}: {@code {"occupied": bool, ...requested figures}}. */
    private Mono<byte[]> channel(HttpServerRequest request, byte[] body) {
        Signed signed = verified(request, "GET", body);
        String channel = ConsoleChannels.requireValid(request.param("channel"));
        List<String> info = info(signed.query());
        if (info.contains("user_count") && !ConsoleChannels.isPresence(channel)) {
            throw new Refusal(HttpStatus.BAD_REQUEST, "invalid-info", "user_count is only for presence channels");
        }
        return directory.channel(channel).map(figures -> figures(figures, info, true)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** {@code GET /apps/{id}/channels/{presence-channel}/users}: {@code {"users": [{"id": "..."}]}}. */
    private Mono<byte[]> users(HttpServerRequest request, byte[] body) {
        verified(request, "GET", body);
        String channel = ConsoleChannels.requireValid(request.param("channel"));
        if (!ConsoleChannels.isPresence(channel)) {
            throw new Refusal(HttpStatus.BAD_REQUEST, "not-a-presence-channel",
                    "Only presence channels have users");
        }
        return directory.members(channel).map(members -> {
            StringBuilder answer = new StringBuilder("{\"users\":[");
            int i = 0;
            for (String userId : members.keySet()) {
                answer.append(i++ == 0 ? "" : ",").append("{\"id\":").append(PusherJson.quote(userId)).append('}');
            }
            return answer.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    /**
     * {@code POST /apps/{id}/users/{userId}/terminate_connections}: every node closes the user's connections (see
     * PusherSocketHandler). Signed like a publish, and accepted once.
     */
    private Mono<byte[]> terminate(HttpServerRequest request, byte[] body) {
        Signed signed = verified(request, "POST", body);
        String userId = request.param("userId");
        if (userId == null || !USER_ID.matcher(userId).matches()) {
            throw RejectedCommand.invalid("invalid-user-id", "userId",
                    "userId must be 1-200 characters of A-Z a-z 0-9 _ - = @ , . ; :");
        }
        Instant windowEnds = Instant.ofEpochSecond(signed.timestamp()).plus(MAX_SKEW).plusSeconds(1);
        return accepted.claim(signed.signature(), windowEnds).flatMap(first -> first
                ? directory.terminate(userId).thenReturn("{}".getBytes(StandardCharsets.UTF_8))
                : Mono.error(new ConsoleProblems.Unsigned("replayed-request", "This signed request was accepted before")));
    }

    private static List<String> info(PusherQuery query) {
        String info = query.get("info");
        if (info == null || info.isEmpty()) {
            return List.of();
        }
        List<String> wanted = List.of(info.split(","));
        for (String figure : wanted) {
            if (!figure.equals("user_count") && !figure.equals("subscription_count")) {
                throw new Refusal(HttpStatus.BAD_REQUEST, "invalid-info",
                        "info is a comma-separated list of user_count and subscription_count");
            }
        }
        return wanted;
    }

    private static String figures(ChannelDirectory.ChannelInfo channel, List<String> info, boolean occupied) {
        StringBuilder figures = new StringBuilder("{");
        if (occupied) {
            figures.append("\"occupied\":").append(channel.subscriptionCount() > 0);
        }
        if (info.contains("user_count")) {
            figures.append(figures.length() > 1 ? "," : "").append("\"user_count\":").append(channel.userCount());
        }
        if (info.contains("subscription_count")) {
            figures.append(figures.length() > 1 ? "," : "").append("\"subscription_count\":")
                    .append(channel.subscriptionCount());
        }
        return figures.append('}').toString();
    }

    /** A request that verified: its parsed query, its body, its signature and timestamp. */
    record Signed(String path, PusherQuery query, byte[] body, String signature, long timestamp) {
    }

    private record Publication(String channel, String name, String data, @Nullable String socketId) {
    }

    /** The one way an endpoint refuses: a problem+json answer. */
    static final class Refusal extends RuntimeException {
        final HttpStatus status;
        final String slug;

        Refusal(HttpStatus status, String slug, String message) {
            super(message, null, false, false);
            this.status = status;
            this.slug = slug;
        }
    }

    private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handled(
            BiFunction<HttpServerRequest, byte[], Mono<byte[]>> endpoint) {
        return (request, response) -> body(request)
                .flatMap(body -> endpoint.apply(request, body))
                .flatMap(answer -> response.status(HttpResponseStatus.OK)
                        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .sendByteArray(Mono.just(answer)).then())
                .onErrorResume(failure -> problem(response, failure));
    }

    private static Mono<byte[]> body(HttpServerRequest request) {
        String length = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null && (length.length() > 9 || Long.parseLong(length) > MAX_BODY_BYTES)) {
            return Mono.error(new Refusal(HttpStatus.PAYLOAD_TOO_LARGE, "payload-too-large",
                    "The body must not exceed " + MAX_BODY_BYTES + " bytes"));
        }
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).handle((bytes, sink) -> {
            if (bytes.length > MAX_BODY_BYTES) {
                sink.error(new Refusal(HttpStatus.PAYLOAD_TOO_LARGE, "payload-too-large",
                        "The body must not exceed " + MAX_BODY_BYTES + " bytes"));
            } else {
                sink.next(bytes);
            }
        });
    }

    private Mono<byte[]> trigger(HttpServerRequest request, byte[] body) {
        Signed signed = verified(request, "POST", body);
        List<String> channels = new ArrayList<>();
        String[] fields = new String[3]; // name, data, socket_id
        try (JsonParser json = JSON_FACTORY.createParser(body)) {
            object(json);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "name" -> fields[0] = text(json, value, "name");
                    case "data" -> fields[1] = text(json, value, "data");
                    case "socket_id" -> fields[2] = socketId(json, value);
                    case "channel" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            channels.add(json.getText());
                        } else {
                            json.skipChildren();
                        }
                    }
                    case "channels" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw RejectedCommand.invalid("invalid-channels", "channels", "channels must be an array");
                        }
                        channels.clear();
                        while ((value = json.nextToken()) != JsonToken.END_ARRAY) {
                            if (value == null) {
                                throw malformed();
                            }
                            channels.add(value == JsonToken.VALUE_STRING ? json.getText() : "");
                            json.skipChildren();
                        }
                    }
                    default -> json.skipChildren();
                }
            }
            end(json);
        } catch (IOException malformed) {
            throw malformed();
        }
        String name = required(fields[0], "name");
        String data = required(fields[1], "data");
        if (channels.isEmpty() || channels.size() > MAX_CHANNELS) {
            throw RejectedCommand.invalid("invalid-channels", "channels", "give 1-" + MAX_CHANNELS + " channels");
        }
        List<Publication> publications = new ArrayList<>(channels.size());
        for (String channel : channels) {
            publications.add(new Publication(channel, name, data, fields[2]));
        }
        return once(signed, publications).map(ids -> {
            StringBuilder answer = new StringBuilder(32 + 48 * ids.length).append("{\"ids\":{");
            for (int i = 0; i < ids.length; i++) {
                answer.append(i == 0 ? "\"" : ",\"").append(publications.get(i).channel()).append("\":").append(ids[i]);
            }
            return answer.append("}}").toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    private Mono<byte[]> batch(HttpServerRequest request, byte[] body) {
        Signed signed = verified(request, "POST", body);
        List<Publication> publications = new ArrayList<>();
        try (JsonParser json = JSON_FACTORY.createParser(body)) {
            object(json);
            boolean seen = false;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if (!field.equals("batch")) {
                    json.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_ARRAY) {
                    throw invalidBatch();
                }
                seen = true;
                publications.clear();
                while ((value = json.nextToken()) != JsonToken.END_ARRAY) {
                    if (value == null) {
                        throw malformed();
                    }
                    if (value != JsonToken.START_OBJECT || publications.size() == MAX_BATCH) {
                        throw invalidBatch();
                    }
                    String[] fields = new String[4]; // channel, name, data, socket_id
                    while (json.nextToken() == JsonToken.FIELD_NAME) {
                        String member = json.currentName();
                        JsonToken memberValue = json.nextToken();
                        switch (member) {
                            case "channel" -> fields[0] = text(json, memberValue, "channel");
                            case "name" -> fields[1] = text(json, memberValue, "name");
                            case "data" -> fields[2] = text(json, memberValue, "data");
                            case "socket_id" -> fields[3] = socketId(json, memberValue);
                            default -> json.skipChildren();
                        }
                    }
                    publications.add(new Publication(required(fields[0], "channel"), required(fields[1], "name"),
                            required(fields[2], "data"), fields[3]));
                }
            }
            end(json);
            if (!seen || publications.isEmpty()) {
                throw invalidBatch();
            }
        } catch (IOException malformed) {
            throw malformed();
        }
        return once(signed, publications).map(ids -> {
            StringBuilder answer = new StringBuilder(16 + 16 * ids.length).append("{\"batch\":[");
            for (int i = 0; i < ids.length; i++) {
                answer.append(i == 0 ? "{\"id\":" : ",{\"id\":").append(ids[i]).append('}');
            }
            return answer.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    /**
     * Checks every event first, so a bad one publishes none of the request; then publishes only if the request was
     * not accepted before. A signed request verifies for its whole timestamp window, so it is remembered until the
     * window ends; one that could not be carried out is forgotten again, so the publisher may retry it.
     */
    private Mono<long[]> once(Signed request, List<Publication> publications) {
        List<ConsoleEventService.Text> texts = new ArrayList<>(publications.size());
        for (Publication publication : publications) {
            ConsoleChannels.requireValid(publication.channel());
            ConsoleChannels.requireValidEvent(publication.name());
            if (publication.data().length() > console.maxEventBytes() / 3
                    && publication.data().getBytes(StandardCharsets.UTF_8).length > console.maxEventBytes()) {
                throw new Refusal(HttpStatus.PAYLOAD_TOO_LARGE, "payload-too-large",
                        "event data must not exceed " + console.maxEventBytes() + " bytes");
            }
            texts.add(new ConsoleEventService.Text(publication.channel(), publication.name(), publication.data(),
                    PusherJson.isJson(publication.data()), publication.socketId()));
        }
        Instant windowEnds = Instant.ofEpochSecond(request.timestamp()).plus(MAX_SKEW).plusSeconds(1);
        return accepted.claim(request.signature(), windowEnds).flatMap(first -> {
            if (!first) {
                return Mono.error(new ConsoleProblems.Unsigned("replayed-request", "This signed request was accepted "
                        + "before; sign every request anew (the Pusher SDKs do, unless the same event is sent twice "
                        + "within one second)"));
            }
            return Mono.<long[]>create(sink -> console.publishTexts(texts, new ConsoleEventService.Appended() {
                @Override
                public void appended(long[] ids) {
                    sink.success(ids);
                }

                @Override
                public void refused(Throwable failure) {
                    sink.error(failure);
                }
            })).onErrorResume(failure -> accepted.release(request.signature()).then(Mono.error(failure)));
        });
    }

    /** Verifies the request's signature, key, app and timestamp, all from one parse of its query. */
    Signed verified(HttpServerRequest request, String method, byte[] body) {
        String uri = request.uri();
        int question = uri.indexOf('?');
        String path = question < 0 ? uri : uri.substring(0, question);
        PusherQuery query = PusherQuery.parse(question < 0 ? null : uri.substring(question + 1));
        String signature = query.get("auth_signature");
        String key = query.get("auth_key");
        String timestamp = query.get("auth_timestamp");
        boolean withBody = method.equals("POST");
        if (signature == null || key == null || timestamp == null || !"1.0".equals(query.get("auth_version"))
                || (withBody && query.get("body_md5") == null)) {
            throw new ConsoleProblems.Unsigned("unsigned-request", "The request must be signed as the Pusher HTTP API "
                    + "requires: auth_key, auth_timestamp, auth_version=1.0, " + (withBody ? "body_md5, " : "")
                    + "auth_signature");
        }
        if (!PusherSignatures.same(credentials.appId(), request.param("appId"))
                || !PusherSignatures.same(credentials.key(), key)) {
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
        String expected = PusherSignatures.hmac(credentials.secret(), query.stringToSign(method, path));
        if (!PusherSignatures.same(expected, signature)
                || (withBody && !PusherSignatures.same(PusherSignatures.md5(body), query.get("body_md5")))) {
            throw new ConsoleProblems.Unsigned("invalid-signature", "auth_signature or body_md5 does not match");
        }
        return new Signed(path, query, body, signature, seconds);
    }

    private Mono<Void> problem(HttpServerResponse response, Throwable failure) {
        ProblemDetail problem;
        String retryAfter = null;
        if (failure instanceof Refusal refusal) {
            problem = Problems.of(refusal.status, refusal.slug, refusal.getMessage());
        } else if (failure instanceof ConsoleProblems.Unsigned unsigned) {
            problem = Problems.of(HttpStatus.UNAUTHORIZED, unsigned.slug, unsigned.getMessage());
        } else if (failure instanceof RejectedCommand rejected) {
            problem = Problems.rejected(rejected);
        } else if (failure instanceof ConsoleUnavailable || failure instanceof ConsoleProblems.Busy) {
            problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "console-unavailable", failure.getMessage());
            retryAfter = "1";
        } else {
            problem = Problems.internalError(failure);
        }
        byte[] bytes;
        try {
            bytes = problems.writeValueAsBytes(problem);
        } catch (IOException e) {
            log.warn("problem not written: {}", e.toString());
            bytes = new byte[0];
        }
        HttpServerResponse answer = response.status(problem.getStatus())
                .header(HttpHeaderNames.CONTENT_TYPE, Problems.PROBLEM_JSON.toString());
        if (retryAfter != null) {
            answer.header(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        return answer.sendByteArray(Mono.just(bytes)).then();
    }

    private static void object(JsonParser json) throws IOException {
        if (json.nextToken() != JsonToken.START_OBJECT) {
            throw malformed();
        }
    }

    private static void end(JsonParser json) throws IOException {
        if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
            throw malformed();
        }
    }

    private static String text(JsonParser json, JsonToken value, String name) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw RejectedCommand.invalid("malformed-request", name, name + " must be a string");
        }
        return json.getText();
    }

    @Nullable
    private static String socketId(JsonParser json, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return json.getText();
        }
        json.skipChildren();
        return null;
    }

    private static String required(@Nullable String value, String name) {
        if (value == null) {
            throw RejectedCommand.invalid("malformed-request", name, name + " must be a string");
        }
        return value;
    }

    private static RejectedCommand malformed() {
        return RejectedCommand.invalid("malformed-request", null, "The body must be a JSON object");
    }

    private static RejectedCommand invalidBatch() {
        return RejectedCommand.invalid("invalid-batch", "batch", "batch must hold 1-" + MAX_BATCH + " events");
    }
}
