package io.agentworkspace.secret.web;

import java.nio.charset.StandardCharsets;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.agentworkspace.auth.TokenPrincipal;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import io.agentworkspace.secret.SecretValue;
import io.agentworkspace.secret.SecretView;
import io.agentworkspace.secret.Secrets;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Secrets by name: set or rotate with PUT, erase with DELETE, list metadata. Values never come back. */
@RestController
@RequestMapping("/api/secrets")
class SecretController {

    /** The value is write-only: it is never echoed, even in validation errors. */
    record SetRequest(@NotNull String value) {
        @Override
        public String toString() {
            return "SetRequest[redacted]";
        }
    }

    private final Secrets secrets;

    SecretController(Secrets secrets) {
        this.secrets = secrets;
    }

    @GetMapping
    @PreAuthorize("hasAuthority('secrets:read')")
    @Operation(operationId = "listSecrets", summary = "List the secrets (names and versions, never values)")
    Flux<SecretView> list() {
        return secrets.all();
    }

    @GetMapping("/{name}")
    @PreAuthorize("hasAuthority('secrets:read')")
    @Operation(operationId = "getSecret", summary = "Get a secret's name and version (never its value)")
    @ProblemTypes({"invalid-secret-name", "secret-not-found"})
    Mono<SecretView> get(@PathVariable String name) {
        return secrets.byName(name)
                .switchIfEmpty(Mono.error(() -> RejectedCommand.notFound("secret-not-found", "No such secret.")));
    }

    @PutMapping(path = "/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAuthority('secrets:write')")
    @Operation(operationId = "setSecret", summary = "Set or rotate a secret; the value is never returned",
            responses = {@ApiResponse(responseCode = "201", description = "Created (version 1)"),
                    @ApiResponse(responseCode = "200", description = "Rotated")})
    @ProblemTypes({"invalid-secret-name", "invalid-secret-value", "secret-version-conflict",
            "projection-lagging"})
    Mono<ResponseEntity<SecretView>> set(@PathVariable String name, @Valid @RequestBody SetRequest request,
                                         @AuthenticationPrincipal TokenPrincipal caller) {
        int bytes = request.value().getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > SecretValue.MAX_BYTES) {
            return Mono.error(RejectedCommand.invalid("invalid-secret-value", "value",
                    "value must be between 1 and " + SecretValue.MAX_BYTES + " bytes"));
        }
        return secrets.set(name, SecretValue.of(request.value()), caller.tokenId())
                .map(view -> ResponseEntity.status(view.version() == 1 ? 201 : 200).body(view));
    }

    @DeleteMapping("/{name}")
    @PreAuthorize("hasAuthority('secrets:write')")
    @Operation(operationId = "eraseSecret", summary = "Erase a secret and every key that opened it",
            responses = @ApiResponse(responseCode = "204", description = "Erased"))
    @ProblemTypes({"invalid-secret-name", "secret-not-found", "projection-lagging"})
    Mono<ResponseEntity<Void>> erase(@PathVariable String name, @AuthenticationPrincipal TokenPrincipal caller) {
        return secrets.erase(name, caller.tokenId()).thenReturn(ResponseEntity.noContent().build());
    }
}
