package io.agentworkspace.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A client that keeps querying a read model from a thread of its own, e.g. while the model is rebuilt, until it is
 * closed. Each query reports what it found wrong (a failed request, an incomplete answer); a query that throws counts
 * as failed with its exception.
 */
public final class QueryingClient implements AutoCloseable {

    /** One query and its checks; {@code fail} takes what was wrong with the answer. */
    @FunctionalInterface
    public interface Query {
        void run(Consumer<String> fail) throws Exception;
    }

    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicLong queries = new AtomicLong();
    private final Thread thread;

    private QueryingClient(String name, Duration pause, Query query) {
        this.thread = new Thread(() -> {
            while (!stop.get()) {
                try {
                    query.run(failures::add);
                    queries.incrementAndGet();
                    if (!pause.isZero()) {
                        Thread.sleep(pause.toMillis());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable e) {
                    failures.add(e.toString());
                }
            }
        }, name);
    }

    /** Starts querying at once, with {@code pause} between queries (zero: none). */
    public static QueryingClient start(String name, Duration pause, Query query) {
        QueryingClient client = new QueryingClient(name, pause, query);
        client.thread.start();
        return client;
    }

    /** What went wrong, in the order it happened. */
    public List<String> failures() {
        return failures;
    }

    /** Queries that ran to their end (with or without failures). */
    public long queries() {
        return queries.get();
    }

    /** Stops after the query in progress. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(30_000);
    }
}
