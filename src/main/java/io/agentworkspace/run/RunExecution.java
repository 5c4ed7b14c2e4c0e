package io.agentworkspace.run;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.reactivestreams.Subscription;
import org.springframework.lang.Nullable;

import io.agentworkspace.run.provider.AgentEvent;
import io.agentworkspace.workspace.WorkspaceLease;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * One attempt of a run on this node, while it runs: its lease and its subscription to the provider's stream.
 * {@link #stop} ends the stream (cancelling the subscription closes the HTTP connection or kills the process) and
 * remembers why; the first reason wins.
 */
final class RunExecution {

    enum Stop { CANCELLED, TIMED_OUT, LEASE_LOST, MAX_TOKENS, MAX_COST, MAX_OUTPUT, MAX_TOOL_CALLS, SHUTDOWN, HANDED_OVER }

    final String runId;
    final String projectId;
    final String queue;
    final int attempt;
    final WorkspaceLease lease;
    private final AtomicReference<Stop> stop = new AtomicReference<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile BaseSubscriber<AgentEvent> subscriber;
    private volatile long stoppedAtNanos;
    @Nullable
    private volatile String onInterrupt;

    RunExecution(String runId, String projectId, String queue, int attempt, WorkspaceLease lease) {
        this.runId = runId;
        this.projectId = projectId;
        this.queue = queue;
        this.attempt = attempt;
        this.lease = lease;
    }

    /** Subscribes to the agent's events; {@link #awaitEnd} returns when the stream ends or is stopped. */
    void follow(Flux<AgentEvent> events, Consumer<AgentEvent> handler) {
        BaseSubscriber<AgentEvent> follower = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                subscriber = this;
                if (stop.get() != null) {
                    cancel();
                    done.complete(null);
                    return;
                }
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            protected void hookOnNext(AgentEvent event) {
                handler.accept(event);
                if (stop.get() != null) {
                    cancel();
                    done.complete(null);
                }
            }

            @Override
            protected void hookOnComplete() {
                done.complete(null);
            }

            @Override
            protected void hookOnError(Throwable failure) {
                done.completeExceptionally(failure);
            }
        };
        subscriber = follower;
        events.subscribe(follower);
    }

    /** Stops the run for {@code reason}; the stream is cancelled at once. Returns whether this was the first stop. */
    boolean stop(Stop reason) {
        if (!stop.compareAndSet(null, reason)) {
            return false;
        }
        stoppedAtNanos = System.nanoTime();
        BaseSubscriber<AgentEvent> current = subscriber;
        if (current != null) {
            current.dispose();
        }
        done.complete(null);
        return true;
    }

    /** The run's policy on interrupt, once its spec was read ({@code null} before). */
    @Nullable
    String onInterrupt() {
        return onInterrupt;
    }

    void onInterrupt(String policy) {
        onInterrupt = policy;
    }

    @Nullable
    Stop stopped() {
        return stop.get();
    }

    long stoppedAtNanos() {
        return stoppedAtNanos;
    }

    /** Blocks until the stream ends; rethrows its failure. */
    void awaitEnd() throws Throwable {
        try {
            done.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause();
        }
    }
}
