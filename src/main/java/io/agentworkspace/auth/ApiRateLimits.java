package io.agentworkspace.auth;

import java.time.Clock;
import java.time.Duration;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.agentworkspace.infrastructure.web.ClientAddresses;
import io.agentworkspace.infrastructure.web.HttpSettings;
import io.agentworkspace.infrastructure.web.ProblemWriter;
import io.agentworkspace.infrastructure.web.Problems;
import reactor.core.publisher.Mono;

/**
 * Rate limits of the API ({@code agent.http.rate-limits}): a request with a valid token counts against its token,
 * one without against its client address ({@link ClientAddresses}, so behind a trusted proxy each client counts on
 * its own). Over the limit: 429 problem+json with {@code Retry-After}. Runs after authentication, in memory per
 * node (a request never waits for Redis); which routes are covered is documented on {@link HttpSettings.RateLimits}.
 */
@Component
class ApiRateLimits implements WebFilter, Ordered {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final HttpSettings.RateLimits settings;
    private final ClientAddresses clients;
    private final ProblemWriter problems;
    private final InMemoryAttemptLimiter limiter;

    ApiRateLimits(HttpSettings settings, ClientAddresses clients, ProblemWriter problems, Clock clock) {
        this.settings = settings.rateLimits();
        this.clients = clients;
        this.problems = problems;
        this.limiter = new InMemoryAttemptLimiter(clock, settings.rateLimits().maxTracked());
    }

    /** After Spring Security (-100), so the caller's token is known. */
    @Override
    public int getOrder() {
        return 0;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!settings.enabled() || !covered(path)) {
            return chain.filter(exchange);
        }
        return exchange.getPrincipal()
                .filter(TokenAuthentication.class::isInstance)
                .map(principal -> "api:token:" + principal.getName())
                .map(key -> new Object[] {key, settings.perTokenPerMinute()})
                .defaultIfEmpty(new Object[] {"api:ip:" + clients.of(exchange), settings.perAddressPerMinute()})
                .flatMap(limit -> limiter.attempt((String) limit[0], (Integer) limit[1], WINDOW))
                .flatMap(decision -> {
                    if (decision.allowed()) {
                        return chain.filter(exchange);
                    }
                    HttpHeaders headers = new HttpHeaders();
                    headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, decision.retryAfter().toSeconds() + 1)));
                    return problems.write(exchange, Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-requests",
                            "Too many requests; retry after the time in Retry-After."), headers);
                });
    }

    private static boolean covered(String path) {
        return (path.startsWith("/api/") && !path.equals("/api/pair")) || path.equals("/broadcasting/auth");
    }
}
