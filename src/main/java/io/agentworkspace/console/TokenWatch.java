package io.agentworkspace.console;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.agentworkspace.auth.ApiTokens;
import reactor.core.publisher.Mono;

/**
 * Tells long-lived subscriptions when the token that opened them stops working. Thousands of connections opened
 * with one token share one watch (one query per interval), not one each.
 */
@Component
public class TokenWatch {

    private final ApiTokens tokens;
    private final Map<String, Mono<Void>> watches = new ConcurrentHashMap<>();

    TokenWatch(ApiTokens tokens) {
        this.tokens = tokens;
    }

    /** Completes when the token is revoked, expires or disappears. */
    public Mono<Void> invalidation(String tokenId) {
        return watches.computeIfAbsent(tokenId, id -> tokens.invalidation(id)
                .doOnSuccess(done -> watches.remove(id))
                .share());
    }
}
