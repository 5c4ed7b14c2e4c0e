package io.agentworkspace.console.web;

import java.util.List;
import java.util.Map;

import io.netty.channel.Channel;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;

import io.agentworkspace.auth.PublicEndpoints;
import io.agentworkspace.infrastructure.web.ClientAddresses;
import io.agentworkspace.infrastructure.web.ProblemWriter;
import io.agentworkspace.infrastructure.web.Problems;
import io.agentworkspace.console.ConsoleSettings;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * The Pusher endpoints: the WebSocket at {@code /app/{key}} and the HTTP API under {@code /apps/{appId}}. Both
 * authenticate the Pusher way (channel signatures, signed requests), so they take no bearer token.
 */
@Configuration(proxyBeanMethods = false)
class PusherWebSocketConfiguration {

    @Bean
    PublicEndpoints pusherEndpoints() {
        return () -> List.of(ServerWebExchangeMatchers.pathMatchers("/app/*", "/apps/*/events", "/apps/*/batch_events"));
    }

    @Bean
    HandlerMapping pusherWebSocketMapping(PusherSocketHandler handler) {
        return new SimpleUrlHandlerMapping(Map.of("/app/*", handler), -1);
    }

    /**
     * Frames larger than {@code agent.console.max-frame-bytes} close the connection (1009). The handshake hands the
     * connection's Netty channel to the handler, so a client that stops reading can be cut off for good.
     */
    @Bean
    WebFluxConfigurer pusherWebSocketService(ConsoleSettings settings, ConnectionLimits limits, ClientAddresses clients,
                                             ProblemWriter problems) {
        ReactorNettyRequestUpgradeStrategy upgrade = new ReactorNettyRequestUpgradeStrategy(
                () -> WebsocketServerSpec.builder().maxFramePayloadLength(settings.maxFrameBytes()).handlePing(false));
        HandshakeChecks origins = new HandshakeChecks(settings.allowedOrigins());
        HandshakeWebSocketService service = new HandshakeWebSocketService(upgrade) {
            @Override
            public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
                if (!origins.originAllowed(exchange)) {
                    return problems.write(exchange, Problems.of(HttpStatus.FORBIDDEN, "origin-not-allowed",
                            "This origin may not open the console WebSocket (agent.console.allowed-origins)."), null);
                }
                ConnectionLimits.Place place = limits.forAddress(clients.of(exchange),
                        settings.maxConnectionsPerAddress());
                if (place == null) {
                    HttpHeaders headers = new HttpHeaders();
                    headers.set(HttpHeaders.RETRY_AFTER, "10");
                    return problems.write(exchange, Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-connections",
                            "This address holds as many console connections as it may; close one first."), headers);
                }
                Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
                Channel channel = request instanceof Connection connection ? connection.channel() : null;
                WebSocketHandler bound = handler instanceof PusherSocketHandler pusher
                        ? session -> pusher.handle(session, channel).doFinally(signal -> place.close()) : handler;
                return super.handleRequest(exchange, bound).doOnError(failure -> place.close())
                        .doOnCancel(place::close);
            }
        };
        return new WebFluxConfigurer() {
            @Override
            public WebSocketService getWebSocketService() {
                return service;
            }
        };
    }

}
