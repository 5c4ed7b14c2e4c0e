package io.agentworkspace.infrastructure.web;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;

/**
 * The one reader of a handler's access rule: its {@code @PreAuthorize("hasAuthority('<ability>')")}, or
 * {@code @PreAuthorize("isAuthenticated()")} when any valid token may call it. Deny-by-default authorization, the
 * 403 problem's {@code requiredAbility} and the OpenAPI document's {@code x-required-ability} all read it here.
 */
public final class RequiredAbility {

    /** The rule of a handler any valid token may call. */
    public static final String ANY_VALID_TOKEN = "isAuthenticated()";
    private static final Pattern AUTHORITY = Pattern.compile("^hasAuthority\\('([^']+)'\\)$");

    private RequiredAbility() {
    }

    /** The handler's {@code @PreAuthorize} expression, if it declares one. */
    public static Optional<String> rule(Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return Optional.empty();
        }
        PreAuthorize rule = method.getMethodAnnotation(PreAuthorize.class);
        return rule == null ? Optional.empty() : Optional.of(rule.value().strip());
    }

    /** The ability a handler demands, if it demands one. */
    public static Optional<String> of(Object handler) {
        return rule(handler).map(AUTHORITY::matcher).filter(Matcher::matches).map(matcher -> matcher.group(1));
    }

    /** Whether any valid token may call the handler. */
    public static boolean anyValidToken(Object handler) {
        return rule(handler).filter(ANY_VALID_TOKEN::equals).isPresent();
    }

    /** The ability the handler an exchange was mapped to demands. */
    static Optional<String> of(ServerWebExchange exchange) {
        Object handler = exchange.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE);
        return handler == null ? Optional.empty() : of(handler);
    }
}
