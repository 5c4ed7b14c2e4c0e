package io.agentworkspace.workspace;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * At most one writer per workspace. A lease carries a fencing token that grows with every grant of the same
 * workspace; a writer checks its lease is still current before each write, so a writer that lost its lease (a
 * long pause, an expiry) cannot overwrite the work of the next holder.
 */
public interface WorkspaceLocks {

    /**
     * Acquires the workspace lock of a project, waiting up to {@code wait}; errors with
     * {@link WorkspaceBusy} when it stays held. The lease renews itself until released.
     */
    Mono<WorkspaceLease> acquire(String projectId, Duration wait);

    /** The fencing token of the lease that currently holds the workspace, or empty when nobody does. */
    Mono<Long> currentToken(String projectId);

    /**
     * Frees the workspace when (and only when) it is still held by the lease with {@code fencingToken}: for a node
     * that restarts and finds a lease of its previous life, whose holder can no longer release or renew it.
     * Completes with whether it freed the workspace.
     */
    Mono<Boolean> releaseAbandoned(String projectId, long fencingToken);
}
