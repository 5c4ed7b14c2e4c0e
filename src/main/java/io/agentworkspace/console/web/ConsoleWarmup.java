package io.agentworkspace.console.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.agentworkspace.auth.TokenSecrets;
import io.agentworkspace.console.ConsoleFeed;
import io.agentworkspace.console.ConsoleSettings;
import io.agentworkspace.console.PusherCredentials;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/**
 * Before the node reports ready, it speaks to itself over loopback once on each console path a reconnecting client
 * takes: a Pusher WebSocket that connects, subscribes to a private channel with a signed resume cursor and pings,
 * a signed HTTP publish (refused at its last check, so nothing is published), and the token-checked channel
 * authorization and poll (refused: the token does not exist). A freshly
 * started JVM pays its class loading and first compilation there, not on the first clients after a restart, so
 * "ready" means ready to serve sockets. Bounded by {@code agent.console.warm-up}; a failure is logged, never fatal.
 */
@Component
class ConsoleWarmup implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ConsoleWarmup.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Environment environment;
    private final PusherCredentials credentials;
    private final ConsoleFeed feed;
    private final Duration timeout;

    ConsoleWarmup(Environment environment, PusherCredentials credentials, ConsoleFeed feed, ConsoleSettings settings) {
        this.environment = environment;
        this.credentials = credentials;
        this.feed = feed;
        this.timeout = settings.warmUp();
    }

    @Override
    public void run(ApplicationArguments args) {
        Integer port = environment.getProperty("local.server.port", Integer.class);
        if (port == null || port <= 0 || timeout.isZero() || timeout.isNegative()) {
            return;
        }
        String host = environment.getProperty("server.address", "127.0.0.1");
        if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        long started = System.nanoTime();
        HttpClient http = HttpClient.create().baseUrl("http://" + host + ":" + port);
        try {
            Mono.when(socket(http), publish(http), poll(http)).block(timeout);
            log.info("console paths warmed up over loopback in {} ms", (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException failed) {
            log.warn("console warm-up did not finish ({}); serving anyway", failed.toString());
        }
    }

    /** connect, subscribe to a private channel resuming from the head, ping, close. */
    private Mono<Void> socket(HttpClient http) {
        String channel = "private-console-warmup." + ThreadLocalRandom.current().nextInt(1_000_000);
        Sinks.Many<String> outgoing = Sinks.many().unicast().onBackpressureBuffer();
        return http.websocket()
                .uri("/app/" + credentials.key() + "?protocol=7&client=warmup&version=1")
                .handle((in, out) -> Mono.when(out.sendString(outgoing.asFlux()),
                        in.receive().asString().handle((text, frames) -> {
                            JsonNode frame = read(text);
                            switch (frame.path("event").asText()) {
                                case "pusher:connection_established" -> outgoing.tryEmitNext(subscribe(channel,
                                        read(frame.path("data").asText()).path("socket_id").asText()));
                                case "pusher_internal:subscription_succeeded" ->
                                        outgoing.tryEmitNext("{\"event\":\"pusher:ping\",\"data\":{}}");
                                case "pusher:pong" -> {
                                    outgoing.tryEmitComplete();
                                    frames.complete();
                                }
                                case "pusher:error" -> frames.error(new IllegalStateException(text));
                                default -> { }
                            }
                        }).then()))
                .then();
    }

    private String subscribe(String channel, String socketId) {
        String channelData = JSON.createObjectNode().put("since", feed.head()).toString();
        String auth = PusherSignatures.channelAuth(credentials.key(), credentials.secret(), socketId, channel, channelData);
        return JSON.createObjectNode().put("event", "pusher:subscribe").set("data", JSON.createObjectNode()
                .put("channel", channel).put("auth", auth).put("channel_data", channelData)).toString();
    }

    /** A correctly signed publish with no channel: verified all the way, then refused (400); nothing is published. */
    private Mono<Void> publish(HttpClient http) {
        String body = "{\"name\":\"console.warm-up\",\"channels\":[],\"data\":\"{}\"}";
        String path = "/apps/" + credentials.appId() + "/events";
        String query = "auth_key=" + credentials.key() + "&auth_timestamp=" + Instant.now().getEpochSecond()
                + "&auth_version=1.0&body_md5=" + PusherSignatures.md5(body.getBytes(StandardCharsets.UTF_8));
        String signature = PusherSignatures.hmac(credentials.secret(), "POST\n" + path + "\n" + query);
        return http.headers(headers -> headers.set("Content-Type", "application/json"))
                .post().uri(path + "?" + query + "&auth_signature=" + signature)
                .send(ByteBufFlux.fromString(Mono.just(body)))
                .responseSingle((response, content) -> content.then())
                .then();
    }

    /**
     * The bearer-token path a reconnecting client takes first, its channel authorization and its catch-up poll: with
     * a well-formed token that does not exist, so the token lookup reads the database and both answer 401.
     */
    private Mono<Void> poll(HttpClient http) {
        // minted here, never stored: no token has its id
        String unknownToken = TokenSecrets.mint().plaintext();
        HttpClient bearer = http.headers(headers -> headers.set("Authorization", "Bearer " + unknownToken));
        Mono<Void> authorize = bearer.headers(headers -> headers.set("Content-Type", "application/x-www-form-urlencoded"))
                .post().uri("/broadcasting/auth")
                .send(ByteBufFlux.fromString(Mono.just("socket_id=1.1&channel_name=private-console-warmup")))
                .responseSingle((response, content) -> content.then());
        Mono<Void> catchUp = bearer.get().uri("/api/channels/private-console-warmup/events?after=0")
                .responseSingle((response, content) -> content.then());
        return authorize.then(catchUp);
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable frame", e);
        }
    }
}
