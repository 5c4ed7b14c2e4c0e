package io.agentworkspace.console.web;

import java.nio.ByteBuffer;
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
 * per frame, and every frame is written as the shared bytes it was encoded to once (no copy, no promise): an event's
 * frame is memory outside the heap the socket writes as it is. Frames are complete protocol frames; the pipeline
 * passes raw bytes through its frame encoder untouched.
 */
final class Outbox implements Runnable {

    private final Channel channel;
    private final Queue<Object> frames = Queues.<Object>unboundedMultiproducer().get();
    private final AtomicInteger work = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean dropping;
    private volatile boolean held;
    private volatile long lastWrittenId = -1;

    Outbox(Channel channel) {
        this(channel, false);
    }

    /** @param held whether it waits for {@link #release} before it writes anything (what must go first, first) */
    Outbox(Channel channel, boolean held) {
        this.channel = channel;
        this.held = held;
    }

    /** Starts writing what was queued while held. */
    void release() {
        held = false;
        if (!frames.isEmpty() && work.getAndIncrement() == 0) {
            channel.eventLoop().execute(this);
        }
    }

    void offer(byte[] frame) {
        offer(ByteBuffer.wrap(frame));
    }

    /** @param frame read by the outbox alone from now on (a duplicate of a shared frame) */
    void offer(ByteBuffer frame) {
        if (closed) {
            return;
        }
        queuedBytes.addAndGet(frame.remaining());
        enqueue(frame);
    }

    /** An event's frame: once it is written, {@code id} is the last id the connection was sent. */
    void offer(ByteBuffer frame, long id) {
        if (closed) {
            return;
        }
        queuedBytes.addAndGet(frame.remaining());
        enqueue(new Event(frame, id));
    }

    private record Event(ByteBuffer frame, long id) {
    }

    /** The id of the last event frame written to the socket ({@code initial} before any). */
    long lastWrittenId(long initial) {
        long id = lastWrittenId;
        return id < 0 ? initial : id;
    }

    /** Runs {@code task} on the connection's event loop once everything queued before it was written and flushed. */
    void then(Runnable task) {
        enqueue(task);
    }

    private void enqueue(Object item) {
        frames.offer(item);
        if (!held && work.getAndIncrement() == 0) {
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

    /**
     * Drops the frames still queued and writes instead what {@code last} makes of the last event id written (or
     * {@code initial}), then runs {@code after}.
     */
    void dropThen(long initial, java.util.function.LongFunction<byte[]> last, Runnable after) {
        drop();
        enqueue((Runnable) () -> {
            if (channel.isActive()) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(last.apply(lastWrittenId(initial))),
                        channel.voidPromise());
            }
            after.run();
        });
    }

    @Override
    public void run() {
        if (held) {
            work.set(0);
            return;
        }
        int missed = 1;
        while (true) {
            boolean wrote = false;
            Object item;
            while ((item = frames.poll()) != null) {
                if (item instanceof ByteBuffer frame) {
                    queuedBytes.addAndGet(-frame.remaining());
                    if (!dropping && channel.isActive()) {
                        channel.write(Unpooled.wrappedBuffer(frame), channel.voidPromise());
                        wrote = true;
                    }
                } else if (item instanceof Event event) {
                    queuedBytes.addAndGet(-event.frame().remaining());
                    if (!dropping && channel.isActive()) {
                        channel.write(Unpooled.wrappedBuffer(event.frame()), channel.voidPromise());
                        lastWrittenId = event.id();
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
