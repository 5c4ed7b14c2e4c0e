package io.agentworkspace.workspace;

import reactor.core.publisher.Mono;

/** A granted workspace lock. Release it when done; until then it renews itself before it expires. */
public interface WorkspaceLease {

    String projectId();

    /** Strictly greater than the token of every earlier lease of the same workspace. */
    long fencingToken();

    /** Completes when this lease still holds the workspace; errors with {@link WorkspaceBusy} when it lost it. */
    Mono<Void> verify();

    Mono<Void> release();
}
