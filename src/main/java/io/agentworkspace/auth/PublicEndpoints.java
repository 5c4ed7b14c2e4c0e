package io.agentworkspace.auth;

import java.util.List;

import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

/**
 * A module's endpoints that take no bearer token because they authenticate otherwise (the Pusher protocol's own
 * signatures, pairing codes) or are public by nature (health). Every other endpoint needs a valid token.
 */
public interface PublicEndpoints {

    List<ServerWebExchangeMatcher> matchers();
}
