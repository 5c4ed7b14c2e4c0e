package io.agentworkspace.console.web;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The Origin check of the console WebSocket handshake: a browser page of another site must not open a connection
 * with the user's cookies or network position. A request without {@code Origin} (native apps, servers, the npm
 * clients) passes; a browser's must be one of {@code agent.console.allowed-origins}, or, when that list is empty,
 * the service's own origin (the Control Center it serves). The setting is parsed once, when the service starts: an
 * entry that is not an http(s) origin stops the start.
 */
final class HandshakeChecks {

    /** {@code agent.console.allowed-origins}, normalized once; empty: the service's own origin only */
    private final Set<String> allowedOrigins;

    HandshakeChecks(List<String> allowedOrigins) {
        Set<String> normalized = new HashSet<>();
        for (String origin : allowedOrigins) {
            String parsed = normalize(origin);
            if (parsed == null) {
                throw new IllegalArgumentException("agent.console.allowed-origins: not an http(s) origin: " + origin);
            }
            normalized.add(parsed);
        }
        this.allowedOrigins = Set.copyOf(normalized);
    }

    boolean originAllowed(ServerWebExchange exchange) {
        String origin = exchange.getRequest().getHeaders().getOrigin();
        if (origin == null) {
            return true;
        }
        String normalized = normalize(origin);
        if (normalized == null) {
            return false;
        }
        if (!allowedOrigins.isEmpty()) {
            return allowedOrigins.contains(normalized);
        }
        String host = exchange.getRequest().getHeaders().getFirst(HttpHeaders.HOST);
        if (host == null) {
            return false;
        }
        URI parsed = URI.create(normalized);
        String originHost = parsed.getHost() + (parsed.getPort() == -1 ? "" : ":" + parsed.getPort());
        String defaultPort = parsed.getScheme().equals("https") ? ":443" : ":80";
        String requestHost = host.toLowerCase(Locale.ROOT);
        return requestHost.equals(originHost) || requestHost.equals(originHost + defaultPort)
                || (requestHost + defaultPort).equals(originHost);
    }

    /** scheme://host[:port], lower case; null for anything that is not an http(s) origin. */
    private static String normalize(String origin) {
        try {
            URI uri = URI.create(origin.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((!scheme.equals("http") && !scheme.equals("https")) || uri.getHost() == null) {
                return null;
            }
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }
}
