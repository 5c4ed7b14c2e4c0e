package io.agentworkspace.ui.web;

import java.time.Duration;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.reactive.config.ResourceHandlerRegistry;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.resource.EncodedResourceResolver;

/**
 * The Control Center's scripts and styles. Their names carry a hash of their content, so a browser may keep each
 * for a year without asking again; a new release has new names. The build writes a brotli and a gzip variant of
 * each, sent to browsers that accept them.
 */
@Configuration(proxyBeanMethods = false)
class ControlCenterAssets implements WebFluxConfigurer {

    static final String PATTERN = "/assets/**";

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler(PATTERN)
                .addResourceLocations("classpath:/ui/assets/")
                .setCacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable())
                .resourceChain(true)
                .addResolver(new EncodedResourceResolver());
    }
}
