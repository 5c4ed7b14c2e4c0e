package io.agentworkspace.ui.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.HtmlUtils;

import io.agentworkspace.auth.PublicEndpoints;
import io.agentworkspace.console.PusherCredentials;
import reactor.core.publisher.Mono;

/**
 * The Control Center's page, {@code index.html}, for every route the application has in the browser (so a link to
 * a run or a reload opens that page). It names the current fingerprinted assets, so it is never cached; it carries
 * a strict Content-Security-Policy (nothing but this origin: no inline script, no CDN), and its response sets the
 * CSRF cookie the application echoes on every change it asks for.
 */
@Configuration(proxyBeanMethods = false)
class ControlCenterPages {

    /** The application's routes; everything else (the API, the Pusher endpoints, actuator) is not a page. */
    static final String[] PAGES = {"/", "/sign-in", "/projects", "/projects/**", "/runs", "/runs/**", "/secrets",
            "/tokens", "/projections", "/audit"};

    static final String CONTENT_SECURITY_POLICY = String.join("; ", "default-src 'self'", "script-src 'self'",
            "style-src 'self'", "img-src 'self' data:", "connect-src 'self'", "font-src 'self'", "object-src 'none'",
            "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'");

    private static final String MISSING = """
            <!doctype html><html lang="en"><meta charset="utf-8"><title>Agent Workspace</title>
            <p>The Control Center was not built into this copy of the service. Build it with <code>./mvnw package</code>
            (or <code>./mvnw spring-boot:run</code>), which needs Node.js and npm
            (<code>sudo apt-get install -y nodejs npm</code>).</p></html>""";

    @Bean
    PublicEndpoints controlCenterEndpoints() {
        return () -> List.of(ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, PAGES),
                ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, ControlCenterAssets.PATTERN));
    }

    @Bean
    RouterFunction<ServerResponse> controlCenterPage(PusherCredentials pusher) throws IOException {
        ClassPathResource index = new ClassPathResource("ui/index.html");
        HttpStatus status = index.exists() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
        String page = index.exists() ? page(index, pusher.key()) : MISSING;
        RequestPredicate pages = RequestPredicates.GET(PAGES[0]);
        for (int i = 1; i < PAGES.length; i++) {
            pages = pages.or(RequestPredicates.GET(PAGES[i]));
        }
        return RouterFunctions.route(pages, request -> render(request, status, page));
    }

    private static Mono<ServerResponse> render(ServerRequest request, HttpStatus status, String page) {
        Mono<CsrfToken> csrf = request.exchange().getAttribute(CsrfToken.class.getName());
        return (csrf == null ? Mono.<CsrfToken>empty() : csrf).then(ServerResponse.status(status)
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noCache())
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("Referrer-Policy", "same-origin")
                .bodyValue(page));
    }

    private static String page(ClassPathResource index, String pusherKey) throws IOException {
        try (InputStream in = index.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("__PUSHER_KEY__", HtmlUtils.htmlEscape(pusherKey));
        }
    }
}
