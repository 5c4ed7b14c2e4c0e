package io.agentworkspace.console;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param maxEventBytes      largest {@code data} of one event (Pusher's own limit is 10 KB)
 * @param publishQueue       events that may wait for their append; past it publishers get an error, never a wait
 * @param maxBatch           events appended in one transaction at most (group commit)
 * @param commitLinger       how long an idle log writer waits for more events before it appends the first one (0: at
 *                           once); a busy writer's next batch is whatever queued while it committed
 * @param subscriberBuffer   twice the most events a resuming subscription takes from the ring of recent events in
 *                           one step; a longer way to the head is read from the log first
 * @param subscriberPendingBytes bytes a connection may have written but not yet sent before it is cut off
 * @param closeGrace         how long a connection cut off as slow keeps what it was sent, so a client that reads
 *                           again still gets its events and the goodbye (4100 close frame, SSE end event); then
 *                           the TCP connection is dropped with whatever it still holds
 * @param recentEvents       newest events kept in memory, so most resumes never touch the database
 * @param recentBytes        ... and at most about this many bytes of them
 * @param replayPage         rows read per query while a subscriber catches up from the log
 * @param heartbeat          SSE comment interval
 * @param sseRetry           the {@code retry:} hint sent to SSE clients
 * @param activityTimeout    Pusher {@code activity_timeout}: a silent client is pinged after it
 * @param pongTimeout        a pinged client that stays silent this long is closed (4201)
 * @param maxFrameBytes      largest WebSocket frame a client may send
 * @param fanout             {@code local} (one node), {@code redis} or {@code kafka}
 * @param headPoll           how often a node of several checks the log head for events it was not told about
 * @param gapWait            how long a node waits for a missing id from the fan-out before reading the log
 * @param warmUp             at most this long at startup, before the node reports ready, to exercise the console's
 *                           paths over loopback once (0 to skip)
 * @param allowedOrigins     browser origins ({@code https://host[:port]}) that may open {@code /app/{key}}; empty: the
 *                           service's own origin only. Clients that send no Origin (native apps, servers) pass
 * @param maxConnectionsPerAddress WebSocket and SSE connections one client address may hold open at once
 * @param maxConnectionsPerToken   SSE streams, and WebSocket connections with a subscription bound to it, per token
 * @param maxSubscriptionsPerConnection channels one WebSocket connection may subscribe to
 * @param clientEvents       Pusher client events ({@code client-*}) on private and presence channels
 * @param webhooks           Pusher webhooks: channel occupied/vacated, member added/removed
 * @param pusher             the credentials Pusher clients and the Pusher HTTP API use
 */
@ConfigurationProperties("agent.console")
public record ConsoleSettings(@DefaultValue("10240") int maxEventBytes,
                              @DefaultValue("100000") int publishQueue,
                              @DefaultValue("1000") int maxBatch,
                              @DefaultValue("0s") Duration commitLinger,
                              @DefaultValue("4096") int subscriberBuffer,
                              @DefaultValue("1048576") long subscriberPendingBytes,
                              @DefaultValue("1s") Duration closeGrace,
                              @DefaultValue("16384") int recentEvents,
                              @DefaultValue("16777216") long recentBytes,
                              @DefaultValue("500") int replayPage,
                              @DefaultValue("15s") Duration heartbeat,
                              @DefaultValue("2s") Duration sseRetry,
                              @DefaultValue("120s") Duration activityTimeout,
                              @DefaultValue("30s") Duration pongTimeout,
                              @DefaultValue("65536") int maxFrameBytes,
                              @DefaultValue("local") String fanout,
                              @DefaultValue("500ms") Duration headPoll,
                              @DefaultValue("20ms") Duration gapWait,
                              @DefaultValue("10s") Duration warmUp,
                              @DefaultValue List<String> allowedOrigins,
                              @DefaultValue("4096") int maxConnectionsPerAddress,
                              @DefaultValue("4096") int maxConnectionsPerToken,
                              @DefaultValue("100") int maxSubscriptionsPerConnection,
                              @DefaultValue Retention retention,
                              @DefaultValue ClientEvents clientEvents,
                              @DefaultValue Webhooks webhooks,
                              @DefaultValue Pusher pusher) {

    /**
     * @param appId  the app id of the HTTP API's paths
     * @param key    the key clients connect with ({@code /app/{key}})
     * @param secret signs private-channel authorizations and HTTP API requests; empty: generated once into
     *               {@code <data>/pusher-secret} (every node of several must be given the same one)
     */
    public record Pusher(@DefaultValue("agent-workspace") String appId, @DefaultValue("agent-workspace-key") String key,
                         @DefaultValue("") String secret) {
    }

    /**
     * @param enabled   whether connections may send {@code client-} events (off by default, as on Pusher)
     * @param perSecond client events one connection may send per second; more are refused (pusher:error 4301)
     */
    public record ClientEvents(@DefaultValue("false") boolean enabled, @DefaultValue("10") int perSecond) {
    }

    /**
     * @param url         where to POST them (empty: no webhooks); http or https
     * @param maxAttempts attempts per request before it is dropped (logged, counted)
     * @param backoff     the first retry's delay; each next one doubles
     * @param timeout     one attempt's time limit
     * @param queue       events waiting to be sent at most; past it new ones are dropped (counted)
     */
    public record Webhooks(@DefaultValue("") String url, @DefaultValue("5") int maxAttempts,
                           @DefaultValue("1s") Duration backoff, @DefaultValue("5s") Duration timeout,
                           @DefaultValue("10000") int queue) {
    }

    /**
     * @param maxAge             events older than this are removed
     * @param maxEventsPerChannel a channel keeps at most this many newest events
     * @param interval           how often retention runs
     */
    public record Retention(@DefaultValue("7d") Duration maxAge,
                            @DefaultValue("100000") long maxEventsPerChannel,
                            @DefaultValue("1m") Duration interval) {
    }
}
