package io.agentworkspace.auth;

import java.time.Clock;
import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.web.ClientAddresses;
import io.agentworkspace.infrastructure.web.HttpSettings;
import io.agentworkspace.infrastructure.web.ProblemWriter;
import io.agentworkspace.infrastructure.web.Problems;
import reactor.core.publisher.Mono;

/**
 * Rate limits of the API ({@code agent.http.rate-limits}). A request with a valid token counts against its token's
 * budget (checked after authentication; a browser session spends its parent token's budget, so opening sessions
 * buys nothing). A request without credentials counts against its client address ({@link ClientAddresses}: behind
 * a trusted proxy each client on its own; an IPv6 client by its /64), checked before authentication. A request
 * whose token or session cookie fails authentication counts against its address too, and once the address is over
 * its budget it is answered 429 instead of 401; a valid token from the same address (a colleague behind the same
 * NAT) is never held back by it. Over a limit: 429 problem+json with {@code Retry-After}. In memory per node, so a
 * request never waits for Redis; the routes covered are listed on {@link HttpSettings.RateLimits}.
 */
@Configuration(proxyBeanMethods = false)
@org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication(
        type = org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type.REACTIVE)
class ApiRateLimits {

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

    /** Before Spring Security (-100): requests without credentials, per client address. */
    @Bean
    @Order(-150)
    WebFilter anonymousRateLimit() {
        return (exchange, chain) -> {
            if (!settings.enabled() || !covered(exchange) || presentsCredentials(exchange)) {
                return chain.filter(exchange);
            }
            return limited(exchange, chain, addressKey(exchange), settings.perAddressPerMinute());
        };
    }

    /** After Spring Security, when the caller's token is known: per token (a session's parent). */
    @Bean
    @Order(0)
    WebFilter tokenRateLimit() {
        return (exchange, chain) -> {
            if (!settings.enabled() || !covered(exchange)) {
                return chain.filter(exchange);
            }
            // the chain's Mono<Void> is empty when it completes: decide first, then run the chain exactly once
            return exchange.getPrincipal()
                    .filter(TokenAuthentication.class::isInstance)
                    .map(principal -> java.util.Optional.of("api:token:" + ((TokenAuthentication) principal).getPrincipal().budget()))
                    .defaultIfEmpty(java.util.Optional.empty())
                    .flatMap(key -> key.isEmpty() ? chain.filter(exchange)
                            : limited(exchange, chain, key.get(), settings.perTokenPerMinute()));
        };
    }

    /**
     * Answers a request that presented credentials which failed: 429 when its address is over its budget (this
     * failure counted), otherwise the given 401.
     */
    Mono<Void> credentialsFailed(ServerWebExchange exchange, Mono<Void> unauthenticated) {
        if (!settings.enabled() || !covered(exchange) || !presentsCredentials(exchange)) {
            return unauthenticated;
        }
        return limiter.attempt(addressKey(exchange), settings.perAddressPerMinute(), WINDOW)
                .flatMap(decision -> decision.allowed() ? unauthenticated : tooMany(exchange, decision));
    }

    private Mono<Void> limited(ServerWebExchange exchange, WebFilterChain chain, String key, int perMinute) {
        return limiter.attempt(key, perMinute, WINDOW)
                .flatMap(decision -> decision.allowed() ? chain.filter(exchange) : tooMany(exchange, decision));
    }

    private Mono<Void> tooMany(ServerWebExchange exchange, AttemptLimiter.Decision decision) {
        RejectedCommand refused = RejectedCommand.tooManyAttempts("too-many-requests",
                "Too many requests; retry after the time in Retry-After.", decision.retryAfter().toSeconds() + 1);
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(refused.retryAfterSeconds()));
        return problems.write(exchange, Problems.rejected(refused), headers);
    }

    private String addressKey(ServerWebExchange exchange) {
        return "api:ip:" + ClientAddresses.budgetOf(clients.of(exchange));
    }

    private static boolean presentsCredentials(ServerWebExchange exchange) {
        return exchange.getRequest().getHeaders().containsKey(HttpHeaders.AUTHORIZATION)
                || exchange.getRequest().getCookies().getFirst(BrowserSessions.COOKIE) != null;
    }

    private static boolean covered(ServerWebExchange exchange) {
        return HttpSettings.RateLimits.covers(exchange.getRequest().getPath().pathWithinApplication().value());
    }
}
