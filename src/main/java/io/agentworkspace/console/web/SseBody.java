package io.agentworkspace.console.web;

import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.Channel;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.springframework.core.io.buffer.DataBuffer;

/**
 * The body of an SSE response as the web server sees it: the stream's first message, which carries the response's
 * headers out, and its end. Everything between goes through the connection's {@link Outbox}, straight to the socket:
 * the outbox is released only once the first message was handed to the connection on its event loop, so nothing
 * overtakes the headers.
 */
final class SseBody implements Publisher<DataBuffer>, Subscription {

    private final Channel channel;
    private final Outbox outbox;
    private final Runnable start;
    private final Runnable cancelled;
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile Subscriber<? super DataBuffer> subscriber;
    private volatile boolean done;

    /**
     * @param start     called on the first request: begin the stream (its first message comes to {@link #first})
     * @param cancelled called when the client went away
     */
    SseBody(Channel channel, Outbox outbox, Runnable start, Runnable cancelled) {
        this.channel = channel;
        this.outbox = outbox;
        this.start = start;
        this.cancelled = cancelled;
    }

    @Override
    public void subscribe(Subscriber<? super DataBuffer> subscriber) {
        this.subscriber = subscriber;
        subscriber.onSubscribe(this);
    }

    @Override
    public void request(long n) {
        if (requested.compareAndSet(false, true)) {
            start.run();
        }
    }

    @Override
    public void cancel() {
        done = true;
        cancelled.run();
    }

    /** The stream's first message, written with the headers; the outbox may write after it. */
    void first(DataBuffer message) {
        channel.eventLoop().execute(() -> {
            if (!done) {
                subscriber.onNext(message);
            }
            outbox.release();
        });
    }

    /** The stream ended: the response ends (and with it the connection) after what the outbox has written. */
    void complete() {
        channel.eventLoop().execute(() -> {
            if (!done) {
                done = true;
                subscriber.onComplete();
            }
        });
    }
}
