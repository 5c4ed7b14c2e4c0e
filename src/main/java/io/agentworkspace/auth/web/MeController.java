package io.agentworkspace.auth.web;

import java.time.Instant;
import java.util.List;

import org.springframework.lang.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.agentworkspace.auth.TokenPrincipal;
import reactor.core.publisher.Mono;

@RestController
class MeController {

    record Me(String tokenId, String name, List<String> abilities, @Nullable String preset, @Nullable Instant expiresAt) {
    }

    /** The caller and what it may do; any valid token may ask. */
    @GetMapping("/api/me")
    @PreAuthorize("isAuthenticated()")
    Mono<Me> me(@AuthenticationPrincipal TokenPrincipal caller) {
        return Mono.just(new Me(caller.tokenId(), caller.name(), TokenController.wireNames(caller.abilities()),
                caller.preset(), caller.expiresAt()));
    }
}
