package io.agentworkspace.infrastructure.web;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.lang.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;

/**
 * The one reader of a handler's access rule: its {@code @PreAuthorize("hasAuthority('<ability>')")}, or
 * {@code @PreAuthorize("isAuthenticated()")} when any valid token may call it. Deny-by-default authorization, the
 * 403 problem's {@code requiredAbility} and the OpenAPI document's {@code x-required-ability} all read it here.
 * A handler method's rule is parsed once and kept: authorization asks on every request.
 */
public final class RequiredAbility {

    /** What {@code x-required-ability} says of a handler any valid token may call. */
    public static final String ANY_VALID_TOKEN = "any-valid-token";
    private static final String AUTHENTICATED = "isAuthenticated()";
    private static final Pattern AUTHORITY = Pattern.compile("^hasAuthority\\('([^']+)'\\)$");
    private static final Rule NONE = new Rule(null, null, false);
    private static final Map<Method, Rule> RULES = new ConcurrentHashMap<>();

    /**
     * @param expression    the {@code @PreAuthorize} expression, null when the handler declares none
     * @param ability       the ability {@code hasAuthority} names, null for any other expression
     * @param anyValidToken whether the expression is {@code isAuthenticated()}
     */
    private record Rule(@Nullable String expression, @Nullable String ability, boolean anyValidToken) {

        static Rule parse(@Nullable PreAuthorize annotation) {
            if (annotation == null) {
                return NONE;
            }
            String expression = annotation.value().strip();
            Matcher authority = AUTHORITY.matcher(expression);
            return new Rule(expression, authority.matches() ? authority.group(1) : null, AUTHENTICATED.equals(expression));
        }
    }

    private RequiredAbility() {
    }

    /** The handler's {@code @PreAuthorize} expression, if it declares one. */
    public static Optional<String> rule(Object handler) {
        return Optional.ofNullable(ruleOf(handler).expression());
    }

    /** The ability a handler demands, if it demands one. */
    public static Optional<String> of(Object handler) {
        return Optional.ofNullable(ruleOf(handler).ability());
    }

    /** Whether any valid token may call the handler. */
    public static boolean anyValidToken(Object handler) {
        return ruleOf(handler).anyValidToken();
    }

    /**
     * What {@code x-required-ability} says of the handler: its ability, or {@link #ANY_VALID_TOKEN}; empty when it
     * declares no rule, or one that is neither.
     */
    public static Optional<String> declared(Object handler) {
        Rule rule = ruleOf(handler);
        return Optional.ofNullable(rule.anyValidToken() ? ANY_VALID_TOKEN : rule.ability());
    }

    /** The ability the handler an exchange was mapped to demands. */
    static Optional<String> of(ServerWebExchange exchange) {
        Object handler = exchange.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE);
        return handler == null ? Optional.empty() : of(handler);
    }

    private static Rule ruleOf(Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return NONE;
        }
        return RULES.computeIfAbsent(method.getMethod(),
                key -> Rule.parse(method.getMethodAnnotation(PreAuthorize.class)));
    }
}
