package io.agentworkspace.auth.web;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.agentworkspace.auth.Ability;
import io.agentworkspace.auth.ApiTokens;
import io.agentworkspace.auth.Preset;
import io.agentworkspace.auth.TokenIssuance;
import io.agentworkspace.auth.TokenPrincipal;
import io.agentworkspace.auth.TokenRecord;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Personal access tokens: issue (the plaintext is in this one response), list, revoke. */
@RestController
@RequestMapping("/api/tokens")
class TokenController {

    static final int MAX_LIFETIME_DAYS = 5 * 366;

    record IssueRequest(
            @NotBlank @Size(max = 100) @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
            String name,
            @Nullable String preset,
            @Nullable @Size(max = 32) List<String> abilities,
            @Nullable Instant expiresAt) {
    }

    record IssuedToken(String id, String name, List<String> abilities, @Nullable String preset,
                       @Nullable Instant expiresAt, Instant issuedAt, String token) {
    }

    private final TokenIssuance issuance;
    private final ApiTokens tokens;

    TokenController(TokenIssuance issuance, ApiTokens tokens) {
        this.issuance = issuance;
        this.tokens = tokens;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAuthority('tokens:manage')")
    @Operation(operationId = "issueToken", summary = "Issue a token; the answer holds its secret this once",
            responses = @ApiResponse(responseCode = "201", description = "Issued"))
    @ProblemTypes({"invalid-token-request", "unknown-preset", "unknown-ability", "ability-escalation",
            "invalid-expiry", "projection-lagging"})
    Mono<ResponseEntity<IssuedToken>> issue(@Valid @RequestBody IssueRequest request,
                                            @AuthenticationPrincipal TokenPrincipal caller) {
        Preset preset = request.preset() == null ? null : Preset.ofWireName(request.preset()).orElseThrow(() ->
                RejectedCommand.invalid("unknown-preset", "preset", "preset must be one of admin, operator, auditor, mobile"));
        Set<Ability> abilities = preset != null ? preset.abilities() : abilitiesOf(request.abilities());
        if ((preset == null) == (request.abilities() == null)) {
            throw RejectedCommand.invalid("invalid-token-request", "preset", "give exactly one of preset and abilities");
        }
        if (!Ability.expand(caller.abilities()).containsAll(Ability.expand(abilities))) {
            throw RejectedCommand.invalid("ability-escalation", "abilities",
                    "a token can only be issued with abilities its issuer has");
        }
        Instant expiresAt = request.expiresAt();
        if (expiresAt != null && (expiresAt.isBefore(Instant.now().plusSeconds(60))
                || expiresAt.isAfter(Instant.now().plus(MAX_LIFETIME_DAYS, ChronoUnit.DAYS)))) {
            throw RejectedCommand.invalid("invalid-expiry", "expiresAt",
                    "expiresAt must be at least a minute and at most five years ahead");
        }
        // a token never outlives its issuer: none asked for, the issuer's own expiry
        if (caller.expiresAt() != null) {
            if (expiresAt != null && expiresAt.isAfter(caller.expiresAt())) {
                throw RejectedCommand.invalid("invalid-expiry", "expiresAt",
                        "expiresAt must not be later than the expiry of the token that issues it");
            }
            expiresAt = expiresAt == null ? caller.expiresAt() : expiresAt;
        }
        return issuance.issue(request.name().strip(), abilities, preset, expiresAt, caller.tokenId())
                .map(issued -> ResponseEntity.created(URI.create("/api/tokens/" + issued.token().tokenId()))
                        .cacheControl(CacheControl.noStore())
                        .body(new IssuedToken(issued.token().tokenId(), issued.token().name(),
                                wireNames(issued.token().abilities()), issued.token().preset(),
                                issued.token().expiresAt(), issued.token().issuedAt(), issued.plaintext())));
    }

    @GetMapping
    @PreAuthorize("hasAuthority('tokens:manage')")
    @Operation(operationId = "listTokens", summary = "List the tokens (never their secrets)")
    Flux<TokenView> list() {
        return tokens.all().map(TokenView::of);
    }

    @DeleteMapping("/{id}")
    @PreAuthorize("hasAuthority('tokens:manage')")
    @Operation(operationId = "revokeToken", summary = "Revoke a token at once",
            responses = @ApiResponse(responseCode = "204", description = "Revoked"))
    @ProblemTypes({"invalid-token-id", "token-not-found", "revocation-not-allowed"})
    Mono<ResponseEntity<Void>> revoke(@PathVariable String id, @AuthenticationPrincipal TokenPrincipal caller) {
        if (!id.matches("[0-9a-f]{16}")) {
            return Mono.error(RejectedCommand.invalid("invalid-token-id", "id", "id must be 16 hexadecimal characters"));
        }
        return issuance.revoke(id, "revoked through the API", caller)
                .thenReturn(ResponseEntity.noContent().build());
    }

    private static Set<Ability> abilitiesOf(@Nullable List<String> names) {
        if (names == null) {
            return EnumSet.noneOf(Ability.class);
        }
        if (names.isEmpty()) {
            throw RejectedCommand.invalid("invalid-token-request", "abilities", "abilities must not be empty");
        }
        Set<Ability> abilities = EnumSet.noneOf(Ability.class);
        for (String name : names) {
            abilities.add(Ability.ofWireName(name == null ? "" : name).orElseThrow(() -> RejectedCommand.invalid(
                    "unknown-ability", "abilities", "unknown ability; known: " + known())));
        }
        return abilities;
    }

    private static String known() {
        return String.join(", ", EnumSet.allOf(Ability.class).stream().map(Ability::wireName).toList());
    }

    static List<String> wireNames(Set<Ability> abilities) {
        return abilities.stream().sorted().map(Ability::wireName).toList();
    }

    /** A token as listed: never its secret or hash. */
    record TokenView(String id, String name, List<String> abilities, @Nullable String preset,
                     @Nullable Instant expiresAt, Instant issuedAt, String issuedBy, @Nullable Instant revokedAt,
                     @Nullable Instant lastUsedAt) {
        static TokenView of(TokenRecord token) {
            return new TokenView(token.tokenId(), token.name(), wireNames(token.abilities()), token.preset(),
                    token.expiresAt(), token.issuedAt(), token.issuedBy(), token.revokedAt(), token.lastUsedAt());
        }
    }
}
