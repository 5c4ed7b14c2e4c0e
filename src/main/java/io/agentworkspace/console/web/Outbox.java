package io.agentworkspace.console.web;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import reactor.util.concurrent.Queues;

/**
 * What one connection has yet to send, written by its own event loop: whoever offers a frame (the console thread
 * routing an event, the connection answering a ping) queues it, and one task on the connection's event loop writes
 * everything queued and flushes once. So the frames of a batch reach the socket in one system call, never one flush
 * per frame, and every frame is written as the shared bytes it was encoded to once (no copy, no promise). Frames
 * are complete protocol frames; the pipeline passes raw bytes through its frame encoder untouched.
 */
final class Outbox implements Runnable {

    private final Channel channel;
    private final Queue<Object> frames = Queues.<Object>unboundedMultiproducer().get();
    private final AtomicInteger work = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean dropping;

    Outbox(Channel channel) {
        this.channel = channel;
    }

    void offer(byte[] frame) {
        if (closed) {
            return;
        }
        queuedBytes.addAndGet(frame.length);
        enqueue(frame);
    }

    /** Runs {@code task} on the connection's event loop once everything queued before it was written and flushed. */
    void then(Runnable task) {
        enqueue(task);
    }

    private void enqueue(Object item) {
        frames.offer(item);
        if (work.getAndIncrement() == 0) {
            channel.eventLoop().execute(this);
        }
    }

    /** Bytes offered but not yet handed to the socket's own buffer. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    /** Takes no more frames; what is queued is still written. */
    void close() {
        closed = true;
    }

    /** Takes no more frames and drops the frames still queued (tasks still run). */
    void drop() {
        closed = true;
        dropping = true;
    }

    @Override
    public void run() {
        int missed = 1;
        while (true) {
            boolean wrote = false;
            Object item;
            while ((item = frames.poll()) != null) {
                if (item instanceof byte[] frame) {
                    queuedBytes.addAndGet(-frame.length);
                    if (!dropping && channel.isActive()) {
                        channel.write(Unpooled.wrappedBuffer(frame), channel.voidPromise());
                        wrote = true;
                    }
                } else {
                    if (wrote) {
                        channel.flush();
                        wrote = false;
                    }
                    ((Runnable) item).run();
                }
            }
            if (wrote) {
                channel.flush();
            }
            missed = work.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }
}
