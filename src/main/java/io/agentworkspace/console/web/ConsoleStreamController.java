package io.agentworkspace.console.web;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.lang.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import io.agentworkspace.auth.TokenPrincipal;
import io.agentworkspace.console.ChannelAccess;
import io.agentworkspace.console.ConsoleChannels;
import io.agentworkspace.console.ConsoleEvent;
import io.agentworkspace.console.ConsoleFeed;
import io.agentworkspace.console.ConsoleMetrics;
import io.agentworkspace.console.ConsoleSettings;
import io.agentworkspace.console.SlowSubscriber;
import io.agentworkspace.console.TokenWatch;
import io.agentworkspace.infrastructure.Polling;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.web.ClientAddresses;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Server-Sent Events for one or several channels: {@code id:} is the log id, so a client that reconnects with
 * {@code Last-Event-ID} (or {@code last_event_id}) gets every later event exactly once. Each event's bytes are
 * encoded once and shared by every stream, and written to the socket as they are (the response is not chunked).
 */
@RestController
class ConsoleStreamController {

    static final int MAX_CHANNELS = 50;
    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ConsoleFeed feed;
    private final ChannelAccess access;
    private final TokenWatch tokens;
    private final ConsoleMetrics metrics;
    private final ConsoleSettings settings;
    private final ConnectionLimits limits;
    private final ClientAddresses clients;

    ConsoleStreamController(ConsoleFeed feed, ChannelAccess access, TokenWatch tokens, ConsoleMetrics metrics,
                            ConsoleSettings settings, ConnectionLimits limits, ClientAddresses clients) {
        this.feed = feed;
        this.access = access;
        this.tokens = tokens;
        this.metrics = metrics;
        this.settings = settings;
        this.limits = limits;
        this.clients = clients;
    }

    @GetMapping("/api/console/stream")
    @PreAuthorize("hasAuthority('console:subscribe')")
    @Operation(operationId = "streamConsole",
            summary = "Stream the console events of 1-50 channels (SSE), resuming after Last-Event-ID",
            responses = @ApiResponse(responseCode = "200", description = "Server-Sent Events: a message per console "
                    + "event (`id:` its log id, `data:` the item), `event: reset` when retention dropped events, "
                    + "`event: end` before the server closes the stream, `: heartbeat` comments", content = @Content(
                    mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(oneOf = {ConsoleWire.Item.class,
                    ConsoleWire.Reset.class, ConsoleWire.End.class}))))
    @ProblemTypes({"invalid-channel", "invalid-cursor", "cursor-in-future", "too-many-connections"})
    Mono<Void> stream(@RequestParam(name = "channel", required = false) @Nullable List<String> channelNames,
                      @RequestParam(name = "last_event_id", required = false) @Nullable String lastEventIdParameter,
                      @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventIdHeader,
                      @AuthenticationPrincipal TokenPrincipal caller, ServerWebExchange exchange) {
        if (channelNames == null || channelNames.isEmpty() || channelNames.size() > MAX_CHANNELS) {
            throw RejectedCommand.invalid("invalid-channel", "channel",
                    "give 1-" + MAX_CHANNELS + " channel parameters");
        }
        Set<String> channels = new LinkedHashSet<>();
        for (String channel : channelNames) {
            channels.add(ConsoleChannels.requireValid(channel));
            access.checkRead(caller, channel);
        }
        // the header is what a reconnecting EventSource sends; it is newer than the URL it reconnects to
        Long cursor = lastEventIdHeader != null && !lastEventIdHeader.isEmpty()
                ? Cursors.parse(lastEventIdHeader.strip(), "Last-Event-ID")
                : Cursors.parse(lastEventIdParameter, "last_event_id");
        Mono<Void> checked = cursor == null ? Mono.empty() : feed.check(channels, cursor).then();
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        if (!(nativeRequest instanceof Connection connection)) {
            throw new IllegalStateException("the console's SSE streams need the Reactor Netty server");
        }
        Backlog backlog = new Backlog(connection.channel(), settings.subscriberPendingBytes(), settings.closeGrace());
        return checked.then(Mono.defer(() -> {
            ConnectionLimits.Place byToken = limits.forToken(caller.tokenId(), settings.maxConnectionsPerToken());
            ConnectionLimits.Place byAddress = byToken == null ? null
                    : limits.forAddress(clients.of(exchange), settings.maxConnectionsPerAddress());
            if (byAddress == null) {
                if (byToken != null) {
                    byToken.close();
                }
                return Mono.error(RejectedCommand.tooManyAttempts("too-many-connections",
                        "This token or address holds as many console streams as it may; close one first.", 10));
            }
            return write(exchange.getResponse(), channels, cursor, caller, backlog, connection.channel())
                    .doFinally(signal -> {
                        byToken.close();
                        byAddress.close();
                    });
        }));
    }

    /**
     * The stream's first message goes out with the headers (through the web server); every later one through the
     * connection's {@link Outbox}, as the shared bytes each event was encoded to, one flush per batch. The response
     * is not chunked: it ends with its connection.
     */
    private Mono<Void> write(ServerHttpResponse response, Set<String> channels, @Nullable Long cursor,
                             TokenPrincipal caller, Backlog backlog, Channel channel) {
        response.getHeaders().setContentType(new MediaType(MediaType.TEXT_EVENT_STREAM, StandardCharsets.UTF_8));
        response.getHeaders().setCacheControl("no-cache, no-store");
        response.getHeaders().set("X-Accel-Buffering", "no");
        if (ServerHttpResponseDecorator.getNativeResponse(response) instanceof HttpServerResponse netty) {
            netty.chunkedTransfer(false).keepAlive(false);
        }
        DataBufferFactory buffers = response.bufferFactory();
        Outbox outbox = new Outbox(channel, true);
        AtomicLong lastSent = new AtomicLong(cursor == null ? -1 : cursor);
        AtomicLong start = new AtomicLong(cursor == null ? 0 : cursor);
        Disposable.Composite running = Disposables.composite();
        SseBody[] body = new SseBody[1];
        body[0] = new SseBody(channel, outbox, () -> {
            metrics.subscribed(ConsoleMetrics.Transport.SSE);
            running.add(Polling.every(settings.heartbeat(), () -> Mono.just(HEARTBEAT))
                    .subscribe(beat -> outbox.offer(beat)));
            Disposable following = feed.follow(channels, cursor, null, new ConsoleFeed.Receiver() {
                @Override
                public void item(ConsoleFeed.Item item) {
                    if (item instanceof ConsoleEvent event) {
                        backlog.check(lastSent.get(), outbox.queuedBytes());
                        metrics.delivered(ConsoleMetrics.Transport.SSE, event);
                        lastSent.set(event.id());
                        outbox.offer(event.sseWire(), event.id());
                    } else if (item instanceof ConsoleFeed.CursorReset reset) {
                        outbox.offer(bytes("event: reset\ndata: {\"channel\":\"" + reset.channel()
                                + "\",\"missedThrough\":" + reset.missedThrough() + "}\n\n"));
                    } else if (item instanceof ConsoleFeed.Started started) {
                        lastSent.compareAndSet(-1, started.after());
                        start.set(started.after());
                        body[0].first(buffers.wrap(bytes("retry: " + settings.sseRetry().toMillis() + "\nid: "
                                + started.after() + "\n\n")));
                    }
                }

                @Override
                public void ended(@Nullable Throwable failure) {
                    running.dispose();
                    if (failure instanceof SlowSubscriber) {
                        metrics.slowDisconnect(ConsoleMetrics.Transport.SSE);
                        backlog.dropSoon();
                        // what was queued is dropped: the client resumes after the last event it was written
                        outbox.dropThen(start.get(), written -> bytes("event: end\ndata: {\"reason\":"
                                + "\"slow-consumer\",\"lastEventId\":" + written + "}\n\n"), body[0]::complete);
                    } else {
                        finish(outbox, body[0]);
                    }
                }
            });
            running.add(following);
            // a revoked token ends the stream: the feed stops, the end event goes out, then the response ends
            running.add(tokens.invalidation(caller.tokenId()).subscribe(null, failure -> {
                running.dispose();
                finish(outbox, body[0]);
            }, () -> {
                running.dispose();
                outbox.offer(bytes("event: end\ndata: {\"reason\":\"token-invalid\",\"lastEventId\":"
                        + lastSent.get() + "}\n\n"));
                finish(outbox, body[0]);
            }));
        }, () -> {
            outbox.drop();
            running.dispose();
        });
        return response.writeWith(body[0]).doFinally(signal -> {
            running.dispose();
            metrics.unsubscribed(ConsoleMetrics.Transport.SSE);
        });
    }

    /** Ends the response once what is queued was written. */
    private static void finish(Outbox outbox, SseBody body) {
        outbox.close();
        outbox.then(body::complete);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

}
