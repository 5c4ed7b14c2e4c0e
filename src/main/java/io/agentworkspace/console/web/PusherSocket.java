package io.agentworkspace.console.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

import io.agentworkspace.console.ConsoleChannels;
import io.agentworkspace.console.ConsoleEvent;
import io.agentworkspace.console.ConsoleFeed;
import io.agentworkspace.console.ConsoleMetrics;
import io.agentworkspace.console.CursorInFuture;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * One Pusher connection: its subscriptions, each a {@link ConsoleFeed} of one channel, and its control frames
 * (pong, errors, presence), all written through the connection's {@link Outbox} as whole WebSocket frames: an
 * event's frame is encoded once for every connection, and a connection flushes once per batch of events.
 */
final class PusherSocket {

    static final int UNAUTHORIZED = 4009;
    /** Pusher's "over connection quota" code. */
    static final int OVER_QUOTA = 4004;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Subscribed(String channel, Disposable running, @Nullable PresenceRooms.Member member,
                              Set<String> knownMembers) {
    }

    private final String socketId;
    private final WebSocketSession session;
    private final Channel channel;
    private final PusherSocketHandler.Context context;
    private final Outbox outbox;
    private final java.util.function.Consumer<Throwable> failed;
    private final Map<String, Subscribed> subscriptions = new ConcurrentHashMap<>();
    /** The token each token-bound channel was authorized with; guarded by {@code this}, as is {@link #tokenPlaces}. */
    private final Map<String, String> channelTokens = new java.util.HashMap<>();
    /** A place in each bound token's connection quota, held while any channel of this connection is bound to it. */
    private final Map<String, ConnectionLimits.Place> tokenPlaces = new java.util.HashMap<>();
    private final Backlog backlog;
    private final Set<String> users = ConcurrentHashMap.newKeySet();
    private final ClientEventAllowance clientEvents;
    private volatile long lastSentId;
    private volatile long lastSeenNanos = System.nanoTime();
    private volatile boolean pinged;
    private volatile boolean closed;

    /** @param failed told when a subscription fails (a slow subscriber, a server error): the handler cuts it off */
    PusherSocket(String socketId, WebSocketSession session, Channel channel, PusherSocketHandler.Context context,
                 java.util.function.Consumer<Throwable> failed) {
        this.socketId = socketId;
        this.session = session;
        this.channel = channel;
        this.context = context;
        this.outbox = new Outbox(channel);
        this.failed = failed;
        this.backlog = new Backlog(channel, context.settings().subscriberPendingBytes(),
                context.settings().closeGrace());
        this.clientEvents = new ClientEventAllowance(context.settings().clientEvents().perSecond());
    }

    /** The users this connection is known to act for: presence members and the tokens of its subscriptions. */
    boolean actsFor(String userId) {
        return users.contains(userId);
    }

    /** The id of the last event handed to the connection, 0 before any. */
    long lastSentId() {
        return lastSentId;
    }

    Channel channel() {
        return channel;
    }

    String socketId() {
        return socketId;
    }

    WebSocketSession session() {
        return session;
    }

    void connected(long activityTimeoutSeconds) {
        ObjectNode data = JSON.createObjectNode().put("socket_id", socketId).put("activity_timeout", activityTimeoutSeconds);
        send(frame("pusher:connection_established", null, data.toString()));
    }

    void onMessage(WebSocketMessage message) {
        lastSeenNanos = System.nanoTime();
        pinged = false;
        if (message.getType() != WebSocketMessage.Type.TEXT) {
            if (message.getType() == WebSocketMessage.Type.BINARY) {
                error(null, "Binary frames are not part of the Pusher protocol");
            }
            return;
        }
        JsonNode frame;
        try {
            frame = JSON.readTree(message.getPayloadAsText(StandardCharsets.UTF_8));
        } catch (JsonProcessingException | RuntimeException malformed) {
            error(null, "The message is not valid JSON");
            return;
        }
        String event = frame == null ? null : frame.path("event").textValue();
        if (event == null) {
            error(null, "The message has no event name");
            return;
        }
        JsonNode data = dataOf(frame.get("data"));
        switch (event) {
            case "pusher:ping" -> send(frame("pusher:pong", null, "{}"));
            case "pusher:pong" -> { }
            case "pusher:subscribe" -> subscribe(data);
            case "pusher:unsubscribe" -> unsubscribe(data.path("channel").asText(""));
            default -> {
                if (event.startsWith("client-")) {
                    clientEvent(event, frame);
                } else {
                    error(null, "Unsupported event " + abbreviate(event));
                }
            }
        }
    }

    /**
     * A client event ({@code client-*}): on a private or presence channel this connection is subscribed to, when the
     * installation allows them, at most {@code per-second} a second, at most {@code max-event-bytes} of data. It goes
     * through the log like every event (durable, in order, on every transport and node), and never back to this
     * connection.
     */
    private void clientEvent(String event, JsonNode frame) {
        if (!context.settings().clientEvents().enabled()) {
            error(null, "Client events are not enabled on this server");
            return;
        }
        String channel = frame.path("channel").isTextual() ? frame.path("channel").textValue() : "";
        if (!ConsoleChannels.isValid(channel) || !ConsoleChannels.needsAuthorization(channel)) {
            error(null, "Client event rejected - only supported on private and presence channels");
            return;
        }
        if (!subscriptions.containsKey(channel)) {
            error(null, "Client event rejected - not subscribed to " + channel);
            return;
        }
        if (!clientEvents.take(System.nanoTime())) {
            error(4301, "Client event rejected due to rate limit");
            return;
        }
        JsonNode data = frame.get("data");
        String text = data == null || data.isNull() ? "{}" : data.isTextual() ? data.textValue() : data.toString();
        if (event.length() > 200 || text.length() > context.settings().maxEventBytes()
                || text.getBytes(StandardCharsets.UTF_8).length > context.settings().maxEventBytes()) {
            error(null, "Client event rejected - the event name must be at most 200 characters and its data at most "
                    + context.settings().maxEventBytes() + " bytes");
            return;
        }
        context.console().publishText(channel, event, text, PusherJson.isJson(text), socketId)
                .subscribe(null, failure -> error(null, "Client event not delivered: "
                        + (failure instanceof io.agentworkspace.infrastructure.RejectedCommand
                        ? failure.getMessage() : "the console is unavailable, retry shortly")));
    }

    private void subscribe(JsonNode data) {
        String channel = data.path("channel").textValue();
        if (!ConsoleChannels.isValid(channel)) {
            error(null, "Invalid channel name");
            return;
        }
        if (subscriptions.containsKey(channel)) {
            return;
        }
        if (subscriptions.size() >= context.settings().maxSubscriptionsPerConnection()) {
            error(null, "At most " + context.settings().maxSubscriptionsPerConnection() + " subscriptions per connection");
            return;
        }
        String channelData = data.path("channel_data").isTextual() ? data.path("channel_data").textValue() : null;
        if (ConsoleChannels.needsAuthorization(channel)) {
            String expected = PusherSignatures.channelAuth(context.credentials().key(), context.credentials().secret(),
                    socketId, channel, channelData);
            if (!PusherSignatures.same(expected, data.path("auth").textValue())) {
                error(4009, "Invalid signature: subscription to " + channel + " refused");
                return;
            }
        }
        JsonNode signed = JSON.createObjectNode();
        if (channelData != null) {
            try {
                signed = JSON.readTree(channelData);
            } catch (JsonProcessingException malformed) {
                error(null, "channel_data is not valid JSON");
                return;
            }
        }
        PresenceRooms.Member member = null;
        if (ConsoleChannels.isPresence(channel)) {
            JsonNode userId = signed.path("user_id");
            if (!userId.isTextual() && !userId.isNumber()) {
                error(null, "A presence subscription needs channel_data with a user_id");
                return;
            }
            member = new PresenceRooms.Member(userId.asText(), signed.path("user_info"));
        }
        Long since;
        try {
            since = cursor(signed.has("since") ? signed.get("since") : data.get("since"));
        } catch (IllegalArgumentException invalid) {
            error(null, invalid.getMessage());
            return;
        }
        String tokenId = signed.path("token_id").isTextual() ? signed.path("token_id").textValue() : null;
        if (tokenId != null && !bindToken(channel, tokenId)) {
            error(OVER_QUOTA, "Subscription to " + channel + " refused: its token holds as many console connections as"
                    + " it may (agent.console.max-connections-per-token); close one first");
            return;
        }
        if (tokenId != null) {
            users.add(tokenId);
        }
        if (member != null) {
            users.add(member.userId());
        }
        start(channel, since, tokenId, member);
    }

    private void start(String channel, @Nullable Long since, @Nullable String tokenId,
                       @Nullable PresenceRooms.Member member) {
        Disposable.Composite running = Disposables.composite();
        Subscribed subscribed = new Subscribed(channel, running, member, ConcurrentHashMap.newKeySet());
        subscriptions.put(channel, subscribed);
        context.metrics().subscribed(ConsoleMetrics.Transport.WS);
        running.add(() -> context.metrics().unsubscribed(ConsoleMetrics.Transport.WS));
        Mono<Map<String, JsonNode>> present = member == null ? Mono.just(Map.of())
                : context.presence().join(channel, member, this);
        running.add(present.subscribe(members -> running.add(context.feed().follow(Set.of(channel), since, socketId,
                new ConsoleFeed.Receiver() {
                    @Override
                    public void item(ConsoleFeed.Item item) {
                        send(toFrame(subscribed, item, member == null ? null : members));
                    }

                    @Override
                    public void ended(@Nullable Throwable failure) {
                        running.dispose();
                        if (failure instanceof CursorInFuture future) {
                            dropSubscription(channel);
                            send(errorFrame(null, "Cannot resume " + channel + ": cursor " + since
                                    + " is beyond the newest event " + future.head()));
                        } else if (failure != null) {
                            failed.accept(failure);
                        }
                    }
                })), failure -> {
                    running.dispose();
                    dropSubscription(channel);
                    error(null, "Presence is unavailable for " + channel + "; subscribe again shortly");
                }));
        if (tokenId != null) {
            running.add(context.tokens().invalidation(tokenId).subscribe(null, failure -> {
                running.dispose();
                failed.accept(failure);
            }, () -> {
                running.dispose();
                dropSubscription(channel);
                send(errorFrame(4009, "Authorization of " + channel + " ended: its token was revoked or expired"));
                closeIfNothingAuthorized();
            }));
        }
    }

    private ByteBuffer toFrame(Subscribed subscribed, ConsoleFeed.Item item, @Nullable Map<String, JsonNode> present) {
        String channel = subscribed.channel();
        if (item instanceof ConsoleEvent event) {
            backlog.check(lastSentId, outbox.queuedBytes());
            lastSentId = event.id();
            context.metrics().delivered(ConsoleMetrics.Transport.WS, event);
            return event.webSocketWire();
        }
        if (item instanceof ConsoleFeed.CursorReset reset) {
            return frame("console:reset", channel, "{\"missedThrough\":" + reset.missedThrough() + "}");
        }
        ObjectNode data = JSON.createObjectNode();
        if (present != null) {
            subscribed.knownMembers().addAll(present.keySet());
            ObjectNode presence = data.putObject("presence");
            presence.putArray("ids").addAll(present.keySet().stream().map(JSON.getNodeFactory()::textNode).toList());
            ObjectNode hash = presence.putObject("hash");
            present.forEach((userId, info) -> hash.set(userId, info.isMissingNode() ? JSON.nullNode() : info));
            presence.put("count", present.size());
        }
        data.put("_seq", ((ConsoleFeed.Started) item).after());
        return frame("pusher_internal:subscription_succeeded", channel, data.toString());
    }

    private void unsubscribe(String channel) {
        Subscribed subscribed = dropSubscription(channel);
        if (subscribed != null) {
            subscribed.running().dispose();
        }
    }

    @Nullable
    private Subscribed dropSubscription(String channel) {
        Subscribed subscribed = subscriptions.remove(channel);
        if (subscribed != null && subscribed.member() != null) {
            context.presence().leave(channel, subscribed.member().userId(), this);
        }
        unbindToken(channel);
        return subscribed;
    }

    /** Counts this connection against the token's quota, once for all its channels bound to it; false when full. */
    private synchronized boolean bindToken(String channel, String tokenId) {
        if (closed) {
            return false;
        }
        if (!tokenPlaces.containsKey(tokenId)) {
            ConnectionLimits.Place place = context.limits().forToken(tokenId, context.settings().maxConnectionsPerToken());
            if (place == null) {
                return false;
            }
            tokenPlaces.put(tokenId, place);
        }
        channelTokens.put(channel, tokenId);
        return true;
    }

    private synchronized void unbindToken(String channel) {
        String tokenId = channelTokens.remove(channel);
        if (tokenId != null && !channelTokens.containsValue(tokenId)) {
            tokenPlaces.remove(tokenId).close();
        }
    }

    /** Another member arrived (anywhere); told once per member, as pusher-js expects. */
    void memberAdded(String channel, PresenceRooms.Member member) {
        Subscribed subscribed = subscriptions.get(channel);
        if (subscribed == null || !subscribed.knownMembers().add(member.userId())) {
            return;
        }
        ObjectNode data = JSON.createObjectNode().put("user_id", member.userId());
        if (!member.userInfo().isMissingNode() && !member.userInfo().isNull()) {
            data.set("user_info", member.userInfo());
        }
        send(frame("pusher_internal:member_added", channel, data.toString()));
    }

    void memberRemoved(String channel, String userId) {
        Subscribed subscribed = subscriptions.get(channel);
        if (subscribed == null || !subscribed.knownMembers().remove(userId)) {
            return;
        }
        send(frame("pusher_internal:member_removed", channel, JSON.createObjectNode().put("user_id", userId).toString()));
    }

    /** Pings a client that has been silent for the activity timeout; true when it did not answer in time. */
    boolean idleCheck(Duration activityTimeout, Duration pongTimeout) {
        long silent = System.nanoTime() - lastSeenNanos;
        if (pinged) {
            return silent > activityTimeout.plus(pongTimeout).toNanos();
        }
        if (silent > activityTimeout.toNanos()) {
            pinged = true;
            send(frame("pusher:ping", null, "{}"));
        }
        return false;
    }

    /**
     * The client went away or was cut off: stop every feed, leave every presence room.
     *
     * @return whether this call closed it (false when it was closed already)
     */
    synchronized boolean closeAll() {
        if (closed) {
            return false;
        }
        closed = true;
        for (String channel : Set.copyOf(subscriptions.keySet())) {
            unsubscribe(channel);
        }
        // also what a subscription being started at this moment bound
        tokenPlaces.values().forEach(ConnectionLimits.Place::close);
        tokenPlaces.clear();
        channelTokens.clear();
        outbox.close();
        return true;
    }

    /**
     * A connection left with no subscription once its token-bound ones ended belongs to a token that no longer
     * works: it is closed with 4009, on which pusher-js does not reconnect.
     */
    private void closeIfNothingAuthorized() {
        if (subscriptions.isEmpty() && closeAll()) {
            closeAfterQueued(new CloseStatus(UNAUTHORIZED,
                    "Unauthorized: the token of this connection was revoked or expired"));
        }
    }

    /** Sends the close frame after the frames already queued (an error that explains it, say). */
    void closeAfterQueued(CloseStatus status) {
        outbox.then(() -> PusherSocketHandler.close(session, channel, status).subscribe());
    }

    /** A slow subscriber's queued frames are dropped: it resumes from the last id it received. */
    void dropQueued() {
        outbox.drop();
    }

    void error(@Nullable Integer code, String message) {
        send(errorFrame(code, message));
    }

    private void send(ByteBuffer frame) {
        if (closed) {
            return;
        }
        if (outbox.queuedBytes() > context.settings().subscriberPendingBytes()) {
            // a client that sends but does not read (pings, refused frames) is cut off like a slow subscriber
            failed.accept(new io.agentworkspace.console.SlowSubscriber(lastSentId));
            return;
        }
        outbox.offer(frame);
    }

    private ByteBuffer errorFrame(@Nullable Integer code, String message) {
        ObjectNode data = JSON.createObjectNode().put("message", message);
        if (code == null) {
            data.putNull("code");
        } else {
            data.put("code", code);
        }
        return text("{\"event\":\"pusher:error\",\"data\":" + data + "}");
    }

    private ByteBuffer frame(String event, @Nullable String channel, String data) {
        ObjectNode frame = JSON.createObjectNode().put("event", event);
        if (channel != null) {
            frame.put("channel", channel);
        }
        frame.put("data", data);
        return text(frame.toString());
    }

    private static ByteBuffer text(String json) {
        return ByteBuffer.wrap(io.agentworkspace.console.WebSocketFrames.text(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** Pusher clients send {@code data} as an object; some send it as a JSON string. */
    private static JsonNode dataOf(@Nullable JsonNode data) {
        if (data != null && data.isTextual()) {
            try {
                JsonNode parsed = JSON.readTree(data.textValue());
                return parsed == null ? JSON.createObjectNode() : parsed;
            } catch (JsonProcessingException notJson) {
                return JSON.createObjectNode();
            }
        }
        return data == null || !data.isObject() ? JSON.createObjectNode() : data;
    }

    @Nullable
    private static Long cursor(@Nullable JsonNode since) {
        if (since == null || since.isNull()) {
            return null;
        }
        if (since.isIntegralNumber() && since.asLong() >= 0) {
            return since.asLong();
        }
        if (since.isTextual() && since.textValue().matches("[0-9]{1,18}")) {
            return Long.parseLong(since.textValue());
        }
        throw new IllegalArgumentException("since must be an event id: a non-negative number");
    }

    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
