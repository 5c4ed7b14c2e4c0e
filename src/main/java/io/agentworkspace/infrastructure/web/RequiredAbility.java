package io.agentworkspace.infrastructure.web;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;

/** The ability the matched handler demands, read from its {@code @PreAuthorize("hasAuthority('…')")}. */
final class RequiredAbility {

    private static final Pattern AUTHORITY = Pattern.compile("hasAuthority\\('([^']+)'\\)");

    private RequiredAbility() {
    }

    static Optional<String> of(ServerWebExchange exchange) {
        if (!(exchange.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE) instanceof HandlerMethod handler)) {
            return Optional.empty();
        }
        PreAuthorize rule = handler.getMethodAnnotation(PreAuthorize.class);
        if (rule == null) {
            return Optional.empty();
        }
        Matcher matcher = AUTHORITY.matcher(rule.value());
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
