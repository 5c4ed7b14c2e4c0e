package io.agentworkspace.auth;

import java.util.List;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How the API authenticates, in the OpenAPI document: a bearer token, or the Control Center's session cookie
 * (whose changes must carry the CSRF header, {@link BrowserCsrf}). Either one will do for every operation that does
 * not declare itself public.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecuritySchemes {

    static final String BEARER = "bearer";
    static final String SESSION = "session";

    @Bean
    OpenApiCustomizer securitySchemes() {
        return document -> {
            if (document.getComponents() == null) {
                document.setComponents(new Components());
            }
            document.getComponents()
                    .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                            .description("An API token (`aw_...`): `Authorization: Bearer <token>`. Tokens carry "
                                    + "abilities; an operation's `x-required-ability` names the one it needs. A phone "
                                    + "gets its token from `POST /api/pair`."))
                    .addSecuritySchemes(SESSION, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                            .in(SecurityScheme.In.COOKIE).name(BrowserSessions.COOKIE)
                            .description("The Control Center's browser session, set by `POST /api/session`; used "
                                    + "only when no bearer token is sent. A change (POST, PUT, PATCH, DELETE) with it "
                                    + "must repeat the `" + BrowserCsrf.COOKIE + "` cookie's value in the `"
                                    + BrowserCsrf.HEADER + "` header, or it is refused with "
                                    + "`/problems/csrf-token-invalid`."));
            document.setSecurity(List.of(new SecurityRequirement().addList(BEARER),
                    new SecurityRequirement().addList(SESSION)));
        };
    }
}
