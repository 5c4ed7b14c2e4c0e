package io.agentworkspace.console.web;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Server-Sent Events for one or several channels: {@code id:} is the log id, so a client that reconnects with
 * {@code Last-Event-ID} (or {@code last_event_id}) gets every later event exactly once. Each event's bytes are
 * encoded once and shared by every stream; Netty flushes whatever is pending at once.
 */
@RestController
class ConsoleStreamController {

    static final int MAX_CHANNELS = 50;
    private static final String HEARTBEAT = ": heartbeat\n\n";

    private final ConsoleFeed feed;
    private final ChannelAccess access;
    private final TokenWatch tokens;
    private final ConsoleMetrics metrics;
    private final ConsoleSettings settings;

    ConsoleStreamController(ConsoleFeed feed, ChannelAccess access, TokenWatch tokens, ConsoleMetrics metrics,
                            ConsoleSettings settings) {
        this.feed = feed;
        this.access = access;
        this.tokens = tokens;
        this.metrics = metrics;
        this.settings = settings;
    }

    @GetMapping("/api/console/stream")
    @PreAuthorize("hasAuthority('console:subscribe')")
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
        Backlog backlog = new Backlog(nativeRequest instanceof Connection connection ? connection.channel() : null,
                settings.subscriberPendingBytes(), settings.closeGrace());
        return checked.then(Mono.defer(() -> write(exchange.getResponse(), channels, cursor, caller, backlog)));
    }

    private Mono<Void> write(ServerHttpResponse response, Set<String> channels, @Nullable Long cursor,
                             TokenPrincipal caller, Backlog backlog) {
        response.getHeaders().setContentType(new MediaType(MediaType.TEXT_EVENT_STREAM, StandardCharsets.UTF_8));
        response.getHeaders().setCacheControl("no-cache, no-store");
        response.getHeaders().set("X-Accel-Buffering", "no");
        // the stream ends with its connection: its body is sent as it is, not in chunks, so every event's encoded
        // bytes go to the socket untouched instead of being framed per connection (a chunk header, a CRLF)
        if (ServerHttpResponseDecorator.getNativeResponse(response) instanceof HttpServerResponse netty) {
            netty.chunkedTransfer(false).keepAlive(false);
        } else {
            response.getHeaders().set(HttpHeaders.CONNECTION, "keep-alive");
        }
        DataBufferFactory buffers = response.bufferFactory();
        AtomicLong lastSent = new AtomicLong(cursor == null ? -1 : cursor);
        AtomicBoolean revoked = new AtomicBoolean();

        Flux<Object> heartbeats = Polling.every(settings.heartbeat(), () -> Mono.just(HEARTBEAT));
        // encoded after the merge, so the last id written is the last one the response got: a merge drops what its
        // queues hold when a slow subscriber's failure passes
        Flux<DataBuffer> encoded = Flux.merge(feed.follow(channels, cursor, null).cast(Object.class), heartbeats)
                .map(item -> {
                    if (item instanceof ConsoleEvent event) {
                        backlog.check(lastSent.get());
                        metrics.delivered(ConsoleMetrics.Transport.SSE, event);
                        lastSent.set(event.id());
                        return buffers.wrap(event.sseFrame());
                    }
                    if (item instanceof ConsoleFeed.CursorReset reset) {
                        return text(buffers, "event: reset\ndata: {\"channel\":\"" + reset.channel()
                                + "\",\"missedThrough\":" + reset.missedThrough() + "}\n\n");
                    }
                    if (item instanceof ConsoleFeed.Started started) {
                        lastSent.compareAndSet(-1, started.after());
                        return text(buffers, "retry: " + settings.sseRetry().toMillis() + "\nid: " + started.after() + "\n\n");
                    }
                    return text(buffers, (String) item);
                });
        Mono<Void> tokenEnds = tokens.invalidation(caller.tokenId()).doOnSuccess(done -> revoked.set(true));

        Flux<DataBuffer> body = encoded
                .takeUntilOther(tokenEnds)
                .takeUntilOther(feed.closing())
                .concatWith(Mono.fromSupplier(() -> revoked.get()
                        ? text(buffers, "event: end\ndata: {\"reason\":\"token-invalid\",\"lastEventId\":" + lastSent.get() + "}\n\n")
                        : text(buffers, "")))
                .onErrorResume(SlowSubscriber.class, slow -> {
                    metrics.slowDisconnect(ConsoleMetrics.Transport.SSE);
                    backlog.dropSoon();
                    return Mono.just(text(buffers, "event: end\ndata: {\"reason\":\"slow-consumer\",\"lastEventId\":"
                            + lastSent.get() + "}\n\n"));
                })
                .doOnSubscribe(subscription -> metrics.subscribed(ConsoleMetrics.Transport.SSE))
                .doFinally(signal -> metrics.unsubscribed(ConsoleMetrics.Transport.SSE));
        return response.writeWith(body);
    }

    private static DataBuffer text(DataBufferFactory buffers, String text) {
        return buffers.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
