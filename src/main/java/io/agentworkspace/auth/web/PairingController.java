package io.agentworkspace.auth.web;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import io.agentworkspace.auth.Pairings;
import io.agentworkspace.auth.TokenPrincipal;
import io.agentworkspace.infrastructure.InstallationSettings;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.web.ClientAddresses;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Pairing phones: operators issue codes (and list and revoke pairings) with {@code devices:pair}; the phone
 * redeems a code at {@code POST /api/pair}, the one token-less endpoint of the API.
 */
@RestController
class PairingController {

    record IssueRequest(@Nullable @Size(max = 100) @Pattern(regexp = "[^\\p{Cntrl}]*",
            message = "must not contain control characters") String label) {

        /** Unknown fields are refused rather than ignored: a request that says more than it may is not guessed at. */
        @com.fasterxml.jackson.annotation.JsonAnySetter
        void refuse(String name, Object value) {
            throw new IllegalArgumentException("a pairing request has no field " + name);
        }
    }

    record RedeemRequest(@NotBlank @Size(max = 32) String code,
                         @NotBlank @Size(max = 100) @Pattern(regexp = "[^\\p{Cntrl}]*",
                                 message = "must not contain control characters") String deviceName) {
        @Override
        public String toString() {
            return "RedeemRequest[code hidden, deviceName=" + deviceName + "]";
        }
    }

    record Paired(String tokenId, String token, String deviceName, List<String> abilities, Instant issuedAt) {
    }

    private final Pairings pairings;
    private final String publicUrl;
    private final ClientAddresses clients;

    PairingController(Pairings pairings, InstallationSettings installation, ClientAddresses clients) {
        this.pairings = pairings;
        this.publicUrl = installation.publicUrl();
        this.clients = clients;
    }

    @PostMapping(path = "/api/pairings", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAuthority('devices:pair')")
    @Operation(operationId = "issuePairingCode", summary = "Issue a pairing code (and QR payload) for a phone",
            responses = @ApiResponse(responseCode = "201", description = "Issued"))
    Mono<ResponseEntity<Pairings.Issued>> issue(@Valid @RequestBody IssueRequest request,
                                                @AuthenticationPrincipal TokenPrincipal caller,
                                                ServerWebExchange exchange) {
        String label = request.label() == null ? null : request.label().strip();
        return pairings.issue(label, caller.tokenId(), serverUrl(exchange))
                .map(issued -> ResponseEntity.created(URI.create("/api/pairings/" + issued.pairingId()))
                        .cacheControl(CacheControl.noStore()).body(issued));
    }

    @GetMapping("/api/pairings")
    @PreAuthorize("hasAuthority('devices:pair')")
    @Operation(operationId = "listPairings", summary = "List the pairings")
    Flux<Pairings.PairingView> list() {
        return pairings.all();
    }

    @DeleteMapping("/api/pairings/{id}")
    @PreAuthorize("hasAuthority('devices:pair')")
    @Operation(operationId = "revokePairing", summary = "Revoke a pairing and its phone token",
            responses = @ApiResponse(responseCode = "204", description = "Revoked"))
    @ProblemTypes({"invalid-pairing-id", "pairing-not-found"})
    Mono<ResponseEntity<Void>> revoke(@PathVariable String id, @AuthenticationPrincipal TokenPrincipal caller) {
        if (!id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
            return Mono.error(RejectedCommand.invalid("invalid-pairing-id", "id", "id must be a UUID"));
        }
        return pairings.revoke(id, caller.tokenId()).thenReturn(ResponseEntity.noContent().build());
    }

    @PostMapping(path = "/api/pair", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "pairDevice", summary = "Redeem a pairing code for a phone token (no token needed)",
            responses = @ApiResponse(responseCode = "201",
                    description = "Paired; the answer holds the token this once"))
    @ProblemTypes({"invalid-pairing-code", "too-many-pairing-attempts"})
    Mono<ResponseEntity<Paired>> pair(@Valid @RequestBody RedeemRequest request, ServerWebExchange exchange) {
        return pairings.redeem(request.code(), request.deviceName().strip(), clients.of(exchange))
                .map(issued -> ResponseEntity.status(201).cacheControl(CacheControl.noStore())
                        .body(new Paired(issued.token().tokenId(), issued.plaintext(), issued.token().name(),
                                TokenController.wireNames(issued.token().abilities()), issued.token().issuedAt())));
    }

    private String serverUrl(ServerWebExchange exchange) {
        if (!publicUrl.isBlank()) {
            return publicUrl;
        }
        URI uri = exchange.getRequest().getURI();
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}
