package io.agentworkspace.console.web;

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

    Backlog(@Nullable Channel channel, long limit) {
        this.channel = channel;
        this.limit = limit;
    }

    /** @throws SlowSubscriber when the connection holds more than the limit */
    void check(long lastSentId) {
        if (channel == null) {
            return;
        }
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        if (buffer != null && buffer.totalPendingWriteBytes() > limit) {
            throw new SlowSubscriber(lastSentId);
        }
    }

    /**
     * Drops the connection shortly: a goodbye written to a client that does not read would never leave, and the
     * connection would stay open with its buffers.
     */
    void dropSoon() {
        if (channel != null) {
            channel.eventLoop().schedule(() -> {
                if (channel.isActive()) {
                    channel.close();
                }
            }, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
