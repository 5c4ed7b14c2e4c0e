package io.agentworkspace.ui.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.HtmlUtils;

import io.agentworkspace.auth.PublicEndpoints;
import io.agentworkspace.infrastructure.web.ProblemCatalog;
import io.agentworkspace.infrastructure.web.ProblemWriter;
import io.agentworkspace.infrastructure.web.Problems;
import reactor.core.publisher.Mono;

/**
 * The documentation of every problem type, where its {@code type} URI points: a problem's {@code type} is the
 * relative {@code /problems/<slug>}, so it resolves against the service that gave it to this page (one row of
 * docs/errors.md), and {@code /problems} lists them all. Public: it says no more than the docs in the repository.
 */
@Configuration(proxyBeanMethods = false)
class ProblemPages {

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Bean
    PublicEndpoints problemDocumentationEndpoints() {
        return () -> List.of(ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, "/problems", "/problems/*"));
    }

    @Bean
    RouterFunction<ServerResponse> problemDocumentation(ProblemCatalog catalog, ProblemWriter problems) {
        return RouterFunctions.route()
                .GET("/problems", request -> page("Problem types", table(catalog.all())))
                .GET("/problems/{type}", request -> {
                    Optional<ProblemCatalog.Entry> entry = catalog.find(request.pathVariable("type"));
                    return entry.isPresent() ? page(entry.get().uri(), table(List.of(entry.get())))
                            : problems.write(request.exchange(), Problems.of(HttpStatus.NOT_FOUND, "not-found",
                            "No such problem type; /problems lists them."), null).then(Mono.empty());
                })
                .build();
    }

    private static String table(Iterable<ProblemCatalog.Entry> entries) {
        StringBuilder rows = new StringBuilder("<table><tr><th>type</th><th>status</th><th>when</th></tr>");
        for (ProblemCatalog.Entry entry : entries) {
            rows.append("<tr id=\"").append(entry.type()).append("\"><td><a href=\"").append(entry.uri()).append("\">")
                    .append(entry.uri()).append("</a></td><td>").append(entry.status()).append("</td><td>")
                    .append(inline(entry.when())).append("</td></tr>");
        }
        return rows.append("</table>").toString();
    }

    /** The table's Markdown is text and {@code `code`}; everything else is escaped. */
    private static String inline(String markdown) {
        Matcher code = CODE.matcher(HtmlUtils.htmlEscape(markdown));
        StringBuilder html = new StringBuilder();
        while (code.find()) {
            code.appendReplacement(html, Matcher.quoteReplacement("<code>" + code.group(1) + "</code>"));
        }
        return code.appendTail(html).toString();
    }

    private static Mono<ServerResponse> page(String title, String body) {
        String html = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>" + HtmlUtils.htmlEscape(title)
                + "</title><h1>" + HtmlUtils.htmlEscape(title) + "</h1>" + body
                + "<p>Problems are RFC 9457 <code>application/problem+json</code>; <a href=\"/problems\">all types</a>."
                + "</p></html>";
        return ServerResponse.ok().contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .cacheControl(CacheControl.maxAge(Duration.ofHours(1)))
                .header("Content-Security-Policy", ControlCenterPages.CONTENT_SECURITY_POLICY)
                .bodyValue(html);
    }
}
