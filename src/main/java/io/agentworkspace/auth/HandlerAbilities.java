package io.agentworkspace.auth;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

import reactor.core.publisher.Mono;

/**
 * Checks the ability a handler demands ({@code @PreAuthorize("hasAuthority('…')")}) in the security filter chain,
 * before the request body is read or validated: a caller without the ability gets 403 whatever it sent, and
 * learns nothing from validation errors. The annotation stays the single place a route declares its ability, and
 * method security enforces it again on the handler itself.
 */
final class HandlerAbilities implements ReactiveAuthorizationManager<AuthorizationContext> {

    private static final Pattern AUTHORITY = Pattern.compile("hasAuthority\\('([^']+)'\\)");

    private final RequestMappingHandlerMapping handlers;

    HandlerAbilities(RequestMappingHandlerMapping handlers) {
        this.handlers = handlers;
    }

    @Override
    public Mono<AuthorizationDecision> check(Mono<Authentication> authentication, AuthorizationContext context) {
        return authentication
                .filter(Authentication::isAuthenticated)
                .filter(TokenAuthentication.class::isInstance)
                .flatMap(caller -> handlers.getHandler(context.getExchange())
                        .map(handler -> new AuthorizationDecision(required(handler)
                                .map(ability -> caller.getAuthorities().stream()
                                        .anyMatch(granted -> granted.getAuthority().equals(ability)))
                                .orElse(true)))
                        .defaultIfEmpty(new AuthorizationDecision(true)))
                .defaultIfEmpty(new AuthorizationDecision(false));
    }

    static Optional<String> required(Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return Optional.empty();
        }
        PreAuthorize rule = method.getMethodAnnotation(PreAuthorize.class);
        if (rule == null) {
            return Optional.empty();
        }
        Matcher matcher = AUTHORITY.matcher(rule.value());
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
