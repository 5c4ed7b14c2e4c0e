package io.agentworkspace.auth.web;

import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.agentworkspace.auth.TokenIssuance;
import io.agentworkspace.auth.TokenPrincipal;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import reactor.core.publisher.Mono;

@RestController
class MeController {

    record Me(String tokenId, String name, List<String> abilities, @Nullable String preset, @Nullable Instant expiresAt) {
    }

    private final TokenIssuance issuance;

    MeController(TokenIssuance issuance) {
        this.issuance = issuance;
    }

    /** A token that expires (a paired phone's) trades itself for a fresh one; the answer holds it this once. */
    @PostMapping("/api/me/renew")
    @PreAuthorize("isAuthenticated()")
    @Operation(operationId = "renewToken", summary = "Trade an expiring token for a fresh one",
            responses = @ApiResponse(responseCode = "201", description = "The new token, this once"))
    @ProblemTypes({"token-does-not-expire", "token-not-found", "projection-lagging"})
    Mono<ResponseEntity<TokenController.IssuedToken>> renew(@AuthenticationPrincipal TokenPrincipal caller) {
        return issuance.renew(caller).map(issued -> ResponseEntity.status(201).cacheControl(CacheControl.noStore())
                .body(new TokenController.IssuedToken(issued.token().tokenId(), issued.token().name(),
                        TokenController.wireNames(issued.token().abilities()), issued.token().preset(),
                        issued.token().expiresAt(), issued.token().issuedAt(), issued.plaintext())));
    }

    /** The caller and what it may do; any valid token may ask. */
    @GetMapping("/api/me")
    @PreAuthorize("isAuthenticated()")
    @Operation(operationId = "getMe", summary = "Who the caller is and what it may do")
    Mono<Me> me(@AuthenticationPrincipal TokenPrincipal caller) {
        return Mono.just(new Me(caller.tokenId(), caller.name(), TokenController.wireNames(caller.abilities()),
                caller.preset(), caller.expiresAt()));
    }
}
