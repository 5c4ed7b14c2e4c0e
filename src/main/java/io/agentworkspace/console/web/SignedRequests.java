package io.agentworkspace.console.web;

import java.time.Instant;

import reactor.core.publisher.Mono;

/**
 * The Pusher HTTP API requests this installation accepted, remembered by their signature until their timestamp
 * leaves the accepted window, so a captured request cannot be sent again while it would still verify.
 */
interface SignedRequests {

    /** Remembers the signature until {@code until}; false when it was already remembered (a replay). */
    Mono<Boolean> claim(String signature, Instant until);

    /** Forgets a claim whose request was not carried out, so the publisher may send it again. */
    Mono<Void> release(String signature);
}
