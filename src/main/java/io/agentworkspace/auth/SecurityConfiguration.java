package io.agentworkspace.auth;

import java.util.ArrayList;
import java.util.List;

import java.net.InetSocketAddress;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.reactive.DispatcherHandler;

import io.agentworkspace.infrastructure.web.ProblemWriter;
import io.agentworkspace.infrastructure.web.Problems;
import reactor.core.publisher.Mono;

/**
 * Spring Security for WebFlux, stateless: a bearer token (or the Control Center's session cookie, see
 * {@link BrowserSessions}; CSRF-checked by {@link BrowserCsrf}) on every request except the public endpoints modules
 * declare; the ability each handler declares with {@code @PreAuthorize("hasAuthority('<ability>')")} is checked
 * in the filter chain before the body is read ({@link HandlerAbilities}), and again by method security; a route
 * that declares nothing is refused. Failures are problem+json: 401 with {@code WWW-Authenticate: Bearer}, 403
 * naming nothing about the token. The OpenAPI contract is for any valid token; the actuator's health, info and
 * Prometheus endpoints are public only on the management port (loopback by default), every other actuator
 * endpoint needs an admin token.
 */
@Configuration(proxyBeanMethods = false)
// the ops commands run the application without a web server: no routes, so no filter chain (it needs the router)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableWebFluxSecurity
@EnableReactiveMethodSecurity
class SecurityConfiguration {

    /** Health (details only for a valid token), info and metrics for scrapers: on the management port alone. */
    @Bean
    PublicEndpoints operationalEndpoints(Environment environment) {
        ServerWebExchangeMatcher paths = ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, "/actuator/health",
                "/actuator/health/**", "/actuator/info", "/actuator/prometheus");
        ServerWebExchangeMatcher onManagementPort = exchange -> {
            Integer management = environment.getProperty("local.management.port", Integer.class);
            InetSocketAddress local = exchange.getRequest().getLocalAddress();
            return management != null && local != null && local.getPort() == management
                    ? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch();
        };
        return () -> List.of(new AndServerWebExchangeMatcher(paths, onManagementPort));
    }

    /** The phone has no token yet when it pairs: the single-use code is its credential. */
    @Bean
    PublicEndpoints pairingEndpoint() {
        return () -> List.of(ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, "/api/pair"));
    }

    /** Signing in is how a browser gets its credential; signing out and asking who one is need none. */
    @Bean
    PublicEndpoints browserSessionEndpoints() {
        return () -> List.of(ServerWebExchangeMatchers.pathMatchers("/api/session"));
    }

    /** Requests the firewall rejects (encoded slashes, control characters, ...) get a problem body too. */
    @Bean
    ServerExchangeRejectedHandler rejectedAsProblem(ProblemWriter problems) {
        return (exchange, rejected) -> problems.write(exchange, Problems.of(HttpStatus.BAD_REQUEST, "rejected-request",
                "The request was rejected: its path or headers hold characters or encodings that are not allowed."),
                null);
    }

    @Bean
    SecurityWebFilterChain api(ServerHttpSecurity http, TokenAuthenticationManager tokens, ProblemWriter problems,
                               List<PublicEndpoints> publicEndpoints, ObjectProvider<DispatcherHandler> handlers,
                               ApiRateLimits rateLimits) {
        ServerAuthenticationEntryPoint unauthenticated = (exchange, failure) -> {
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            // a guessed or stale credential counts against the client's address, and past its budget is a 429
            return rateLimits.credentialsFailed(exchange, Mono.defer(() -> problems.write(exchange,
                    Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated",
                            "A valid bearer token is required: " + TokenAuthenticationManager.INVALID.toLowerCase()),
                    headers)));
        };
        ServerAccessDeniedHandler forbidden = (exchange, denied) -> problems.write(exchange,
                Problems.of(HttpStatus.FORBIDDEN, "forbidden", "This token lacks the ability this operation requires."),
                null);

        AuthenticationWebFilter bearer = new AuthenticationWebFilter(tokens);
        bearer.setServerAuthenticationConverter(new BearerTokenConverter());
        bearer.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(unauthenticated));
        bearer.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());

        // a browser session's cookie, when there is no bearer token; a stale cookie is cleared and the request goes
        // on anonymous, so the public pages still load and the Control Center can ask the person to sign in again
        AuthenticationWebFilter session = new AuthenticationWebFilter(tokens);
        session.setRequiresAuthenticationMatcher(SessionCookieConverter.CARRIES_SESSION);
        session.setServerAuthenticationConverter(new SessionCookieConverter());
        session.setAuthenticationFailureHandler((filterExchange, failure) -> {
            filterExchange.getExchange().getResponse().addCookie(org.springframework.http.ResponseCookie
                    .from(BrowserSessions.COOKIE, "").httpOnly(true).sameSite("Strict").path("/").maxAge(0).build());
            return filterExchange.getChain().filter(filterExchange.getExchange());
        });
        session.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());

        List<ServerWebExchangeMatcher> open = new ArrayList<>();
        publicEndpoints.forEach(endpoints -> open.addAll(endpoints.matchers()));

        return http
                .csrf(csrf -> BrowserCsrf.configure(csrf, problems))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .addFilterAt(bearer, SecurityWebFiltersOrder.AUTHENTICATION)
                .addFilterAt(session, SecurityWebFiltersOrder.AUTHENTICATION)
                .authorizeExchange(exchanges -> exchanges
                        .matchers(open.toArray(ServerWebExchangeMatcher[]::new)).permitAll()
                        // the API contract, for whoever builds a client (an iPhone developer with a token)
                        .pathMatchers("/v3/api-docs", "/v3/api-docs/**").authenticated()
                        .pathMatchers("/actuator", "/actuator/**").hasAuthority(Ability.ALL.wireName())
                        .anyExchange().access(new HandlerAbilities(handlers)))
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                .build();
    }
}
