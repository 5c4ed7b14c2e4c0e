package io.agentworkspace.console.web;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import org.springframework.lang.Nullable;

import io.agentworkspace.console.SlowSubscriber;

/**
 * The bound on what a connection may have written but not yet sent. Reactor Netty hands every frame to Netty as it
 * comes, and Netty queues writes to a socket that does not drain without limit; the bytes Netty holds for the
 * connection are therefore checked before each event is written, and past the limit the subscriber is cut off.
 */
final class Backlog {

    private final @Nullable Channel channel;
    private final long limit;
    private final Duration grace;

    Backlog(@Nullable Channel channel, long limit, Duration grace) {
        this.channel = channel;
        this.limit = limit;
        this.grace = grace;
    }

    /** @throws SlowSubscriber when the connection holds more than the limit */
    void check(long lastSentId) {
        check(lastSentId, 0);
    }

    /**
     * @param queuedBytes what the connection has queued before Netty's own buffer (an {@link Outbox})
     * @throws SlowSubscriber when the connection holds more than the limit
     */
    void check(long lastSentId, long queuedBytes) {
        if (channel == null) {
            return;
        }
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        long pending = queuedBytes + (buffer == null ? 0 : buffer.totalPendingWriteBytes());
        if (pending > limit) {
            throw new SlowSubscriber(lastSentId);
        }
    }

    /**
     * Drops the connection after the grace: a goodbye written to a client that does not read would never leave, and
     * the connection would stay open with its buffers.
     */
    void dropSoon() {
        dropAfter(channel, grace);
    }

    static void dropAfter(@Nullable Channel channel, Duration grace) {
        if (channel != null) {
            channel.eventLoop().schedule(() -> {
                if (channel.isActive()) {
                    channel.close();
                }
            }, grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
