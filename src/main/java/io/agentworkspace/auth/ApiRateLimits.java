package io.agentworkspace.auth;

import java.time.Clock;
import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.agentworkspace.infrastructure.web.ClientAddresses;
import io.agentworkspace.infrastructure.web.HttpSettings;
import io.agentworkspace.infrastructure.web.ProblemWriter;
import io.agentworkspace.infrastructure.web.Problems;
import reactor.core.publisher.Mono;

/**
 * Rate limits of the API ({@code agent.http.rate-limits}): a request with a valid token counts against its token
 * (checked after authentication), one without an {@code Authorization} header against its client address
 * ({@link ClientAddresses}, so behind a trusted proxy each client counts on its own; checked before it). A
 * presented but invalid token is refused with 401 whatever its rate: guessing a 256-bit secret is hopeless. Over
 * the limit: 429 problem+json with {@code Retry-After}. In memory per node, so a request never waits for Redis;
 * the routes covered are listed on {@link HttpSettings.RateLimits}.
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

    /** Before Spring Security (-100): anonymous requests per client address. */
    @Bean
    @Order(-150)
    WebFilter anonymousRateLimit() {
        return (exchange, chain) -> {
            if (!settings.enabled() || !covered(exchange)
                    || exchange.getRequest().getHeaders().containsKey(HttpHeaders.AUTHORIZATION)) {
                return chain.filter(exchange);
            }
            return limited(exchange, chain, "api:ip:" + clients.of(exchange), settings.perAddressPerMinute());
        };
    }

    /** After Spring Security, when the caller's token is known: per token. */
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
                    .map(principal -> java.util.Optional.of("api:token:" + principal.getName()))
                    .defaultIfEmpty(java.util.Optional.empty())
                    .flatMap(key -> key.isEmpty() ? chain.filter(exchange)
                            : limited(exchange, chain, key.get(), settings.perTokenPerMinute()));
        };
    }

    private Mono<Void> limited(ServerWebExchange exchange, WebFilterChain chain, String key, int perMinute) {
        return limiter.attempt(key, perMinute, WINDOW).flatMap(decision -> {
            if (decision.allowed()) {
                return chain.filter(exchange);
            }
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, decision.retryAfter().toSeconds() + 1)));
            return problems.write(exchange, Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-requests",
                    "Too many requests; retry after the time in Retry-After."), headers);
        });
    }

    private static boolean covered(ServerWebExchange exchange) {
        return HttpSettings.RateLimits.covers(exchange.getRequest().getPath().pathWithinApplication().value());
    }
}
