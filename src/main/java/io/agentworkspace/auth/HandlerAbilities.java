package io.agentworkspace.auth;

import java.util.List;
import java.util.Optional;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.resource.ResourceWebHandler;

import io.agentworkspace.infrastructure.web.RequiredAbility;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Deny-by-default authorization of every route, in the security filter chain, before the request body is read:
 * the handler a request maps to (found through the dispatcher's own handler mappings, in its order) must declare
 * {@code @PreAuthorize("hasAuthority('<ability>')")}, and the caller hold that ability, or
 * {@code @PreAuthorize("isAuthenticated()")}. A handler that declares neither is refused (403), whatever the
 * caller holds; endpoints that take no token are declared in a {@link PublicEndpoints} bean and never get here.
 * Static resources (the Control Center's files) are served to any valid token. A request no mapping knows
 * passes, so it gets its 404. The annotation stays the single place a route declares its ability, read (and
 * parsed once per handler method) by {@link RequiredAbility}; method security enforces it again on the handler.
 */
final class HandlerAbilities implements ReactiveAuthorizationManager<AuthorizationContext> {

    private final ObjectProvider<DispatcherHandler> dispatcher;
    private volatile List<HandlerMapping> mappings;

    HandlerAbilities(ObjectProvider<DispatcherHandler> dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public Mono<AuthorizationDecision> check(Mono<Authentication> authentication, AuthorizationContext context) {
        return authentication
                .filter(Authentication::isAuthenticated)
                .filter(TokenAuthentication.class::isInstance)
                .flatMap(caller -> Flux.fromIterable(mappings())
                        .concatMap(mapping -> mapping.getHandler(context.getExchange()))
                        .next()
                        .map(handler -> new AuthorizationDecision(allows(handler, caller)))
                        .defaultIfEmpty(new AuthorizationDecision(true)))
                .defaultIfEmpty(new AuthorizationDecision(false));
    }

    /** The dispatcher's mappings, as it initialised them (it is created after the security chain). */
    private List<HandlerMapping> mappings() {
        List<HandlerMapping> current = mappings;
        if (current == null) {
            current = dispatcher.getObject().getHandlerMappings();
            if (current == null) {
                throw new IllegalStateException("the dispatcher has no handler mappings yet");
            }
            mappings = current;
        }
        return current;
    }

    private static boolean allows(Object handler, Authentication caller) {
        if (handler instanceof ResourceWebHandler) {
            return true;
        }
        if (RequiredAbility.anyValidToken(handler)) {
            return true;
        }
        Optional<String> ability = RequiredAbility.of(handler);
        return ability.isPresent() && caller.getAuthorities().stream()
                .anyMatch(granted -> granted.getAuthority().equals(ability.get()));
    }
}
