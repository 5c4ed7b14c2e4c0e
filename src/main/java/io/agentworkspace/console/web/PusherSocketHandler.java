package io.agentworkspace.console.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;

import io.agentworkspace.infrastructure.LifecyclePhases;
import io.agentworkspace.console.ChannelDirectory;
import io.agentworkspace.console.ConsoleEventService;
import io.agentworkspace.console.ConsoleFeed;
import io.agentworkspace.console.ConsoleMetrics;
import io.agentworkspace.console.ConsoleSettings;
import io.agentworkspace.console.PusherCredentials;
import io.agentworkspace.console.SlowSubscriber;
import io.agentworkspace.console.TokenWatch;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /app/{key}}: the Pusher Channels protocol, version 7, so pusher-js and laravel-echo connect unchanged.
 * A connection that falls too far behind is closed with 4100 (pusher-js reconnects after a back-off) and resumes
 * from the ids it received; one whose token-bound authorization ends loses that subscription.
 */
@Component
class PusherSocketHandler implements WebSocketHandler, SmartLifecycle, DisposableBean {

    record Context(ConsoleFeed feed, ConsoleEventService console, PusherCredentials credentials, TokenWatch tokens,
                   ConsoleMetrics metrics, PresenceRooms presence, ConsoleSettings settings, ConnectionLimits limits) {
    }

    static final int SLOW_CONSUMER = 4100;
    private static final Logger log = LoggerFactory.getLogger(PusherSocketHandler.class);
    private static final Duration HARD_CLOSE_AFTER = Duration.ofSeconds(1);

    private final Context context;
    private final ConsoleSettings settings;
    private final Set<PusherSocket> sockets = ConcurrentHashMap.newKeySet();
    private final Disposable idleChecks;
    private final Disposable terminations;

    PusherSocketHandler(ConsoleFeed feed, ConsoleEventService console, PusherCredentials credentials,
                        TokenWatch tokens, ConsoleMetrics metrics, PresenceRooms presence, ConsoleSettings settings,
                        ChannelDirectory directory, ConnectionLimits limits) {
        this.context = new Context(feed, console, credentials, tokens, metrics, presence, settings, limits);
        this.settings = settings;
        this.idleChecks = Flux.interval(Duration.ofSeconds(1)).subscribe(tick -> checkIdle());
        this.terminations = directory.terminations().subscribe(this::terminate);
    }

    /**
     * {@code POST /apps/{id}/users/{userId}/terminate_connections}, on whichever node: every connection acting for
     * the user (as a presence member or with a subscription bound to that token) is closed with 4009, on which
     * pusher-js does not reconnect.
     */
    private void terminate(String userId) {
        for (PusherSocket socket : sockets) {
            if (socket.actsFor(userId) && socket.closeAll()) {
                socket.closeAfterQueued(new CloseStatus(PusherSocket.UNAUTHORIZED, "Connection terminated by the server"));
            }
        }
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        return handle(session, null);
    }

    /** @param channel the connection's Netty channel, to bound what it holds and to drop it when it stalls */
    Mono<Void> handle(WebSocketSession session, @Nullable Channel channel) {
        URI uri = session.getHandshakeInfo().getUri();
        String key = uri.getPath().substring(uri.getPath().lastIndexOf('/') + 1);
        Map<String, String> query = UriComponentsBuilder.fromUri(uri).build().getQueryParams().toSingleValueMap();
        if (!PusherSignatures.same(context.credentials().key(), key)) {
            return refuse(session, channel, 4001, "App key " + abbreviate(key) + " not in this cluster.");
        }
        String protocol = query.get("protocol");
        if (protocol == null) {
            return refuse(session, channel, 4008, "No protocol version supplied");
        }
        if (!protocol.equals("7")) {
            return refuse(session, channel, 4007, "Unsupported protocol version " + abbreviate(protocol));
        }
        if (channel == null) {
            return refuse(session, null, 4200, "This server cannot hold the connection; reconnect");
        }
        PusherSocket[] created = new PusherSocket[1];
        PusherSocket socket = new PusherSocket(newSocketId(), session, channel, context,
                failure -> cutOff(created[0], failure).subscribe());
        created[0] = socket;
        sockets.add(socket);
        socket.connected(settings.activityTimeout().toSeconds());
        // everything the connection sends goes through its outbox; this only reads, until the client goes away
        return session.receive()
                .doOnNext(socket::onMessage)
                .then()
                .doFinally(signal -> {
                    sockets.remove(socket);
                    socket.closeAll();
                });
    }

    private Mono<Void> cutOff(PusherSocket socket, Throwable failure) {
        if (!socket.closeAll()) {
            return Mono.empty();
        }
        if (failure instanceof SlowSubscriber || Exceptions.isOverflow(failure)) {
            // what the connection was handed, not what its subscription had queued: the queue is dropped unsent
            socket.dropQueued();
            long lastId = socket.lastSentId();
            context.metrics().slowDisconnect(ConsoleMetrics.Transport.WS);
            return close(socket.session(), socket.channel(), new CloseStatus(SLOW_CONSUMER,
                    "Too slow: reconnect and resume after your last id" + (lastId > 0 ? " (sent " + lastId + ")" : "")),
                    settings.closeGrace());
        }
        log.warn("console WebSocket {} failed: {}", socket.socketId(), failure.toString());
        return close(socket.session(), socket.channel(), new CloseStatus(4200, "Server error, reconnect"));
    }

    /** Sends the close frame, then drops the TCP connection if the client does not read it within a second. */
    static Mono<Void> close(WebSocketSession session, @Nullable Channel channel, CloseStatus status) {
        return close(session, channel, status, HARD_CLOSE_AFTER);
    }

    private static Mono<Void> close(WebSocketSession session, @Nullable Channel channel, CloseStatus status,
                                    Duration grace) {
        Backlog.dropAfter(channel, grace);
        return session.close(status).onErrorResume(ignored -> Mono.empty());
    }

    private Mono<Void> refuse(WebSocketSession session, @Nullable Channel channel, int code, String message) {
        String error = "{\"event\":\"pusher:error\",\"data\":{\"code\":" + code + ",\"message\":\""
                + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}}";
        return session.send(Mono.just(new WebSocketMessage(WebSocketMessage.Type.TEXT,
                        session.bufferFactory().wrap(error.getBytes(StandardCharsets.UTF_8)))))
                .then(close(session, channel, new CloseStatus(code, message.length() > 100 ? message.substring(0, 100) : message)));
    }

    private void checkIdle() {
        for (PusherSocket socket : sockets) {
            if (socket.idleCheck(settings.activityTimeout(), settings.pongTimeout())) {
                socket.closeAll();
                close(socket.session(), socket.channel(), new CloseStatus(4201, "Pong reply not received")).subscribe();
            }
        }
    }

    /** Not a secret: a subscription is authorized by a signature over it, and the server alone assigns it. */
    private static String newSocketId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        return (random.nextInt(1_000_000_000) + 1) + "." + (random.nextInt(1_000_000_000) + 1);
    }

    private static String abbreviate(String text) {
        String safe = text.replaceAll("[^A-Za-z0-9_.:-]", "?");
        return safe.length() > 40 ? safe.substring(0, 40) : safe;
    }

    int connections() {
        return sockets.size();
    }

    private volatile boolean running;

    @Override
    public void start() {
        running = true;
    }

    /** Shutting down: every client is told to reconnect at once (4200), to another node or to this one restarted. */
    @Override
    public void stop() {
        running = false;
        sockets.forEach(socket -> {
            socket.closeAll();
            close(socket.session(), socket.channel(), new CloseStatus(4200, "Server restarting")).subscribe();
        });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return LifecyclePhases.CONSOLE_STREAMS;
    }

    @Override
    public void destroy() {
        idleChecks.dispose();
        terminations.dispose();
    }
}
