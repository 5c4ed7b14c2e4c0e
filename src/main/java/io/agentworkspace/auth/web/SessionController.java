package io.agentworkspace.auth.web;

import java.time.Duration;
import java.time.Instant;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import io.agentworkspace.auth.BrowserSessions;
import io.agentworkspace.auth.TokenPrincipal;
import io.agentworkspace.infrastructure.web.ClientAddresses;
import io.agentworkspace.infrastructure.web.ProblemTypes;
import io.agentworkspace.infrastructure.web.Problems;
import reactor.core.publisher.Mono;

/**
 * Browser sign-in and sign-out, and whether one is signed in. All three are public endpoints (signing in is how a
 * browser gets a credential; signing out and asking need none); sign-in and sign-out are CSRF-protected: the Control Center sends the {@code XSRF-TOKEN} cookie's value
 * back in {@code X-XSRF-TOKEN}.
 */
@RestController
class SessionController {

    /** The token to sign in with; never echoed, never logged. */
    record SignInRequest(@NotBlank @Size(max = 512) String token) {
        @Override
        public String toString() {
            return "SignInRequest[token hidden]";
        }
    }

    /** Whether the caller is signed in, and as whom; asking is never an error. */
    record SessionState(boolean signedIn, @Nullable MeController.Me me) {
    }

    private final BrowserSessions sessions;
    private final ClientAddresses clients;

    SessionController(BrowserSessions sessions, ClientAddresses clients) {
        this.sessions = sessions;
        this.clients = clients;
    }

    /** The Control Center asks this first: a signed-out browser gets 200 {@code signedIn: false}, not a 401. */
    @GetMapping("/api/session")
    @Operation(operationId = "getSession", summary = "Whether the browser is signed in, and as whom")
    Mono<ResponseEntity<SessionState>> state(@AuthenticationPrincipal @Nullable TokenPrincipal caller) {
        SessionState state = caller == null ? new SessionState(false, null) : new SessionState(true,
                new MeController.Me(caller.tokenId(), caller.name(), TokenController.wireNames(caller.abilities()),
                        caller.preset(), caller.expiresAt()));
        return Mono.just(ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(state));
    }

    /** 201 with the session (as {@code GET /api/me} shows it) and its HttpOnly cookie; 401 for an unusable token. */
    @PostMapping(path = "/api/session", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "signIn", summary = "Sign a browser in with an API token; sets the session cookie",
            responses = @ApiResponse(responseCode = "201", description = "Signed in"))
    @ProblemTypes({"unauthenticated", "session-token", "csrf-token-invalid", "projection-lagging"})
    Mono<ResponseEntity<MeController.Me>> signIn(@Valid @RequestBody SignInRequest request, ServerWebExchange exchange) {
        return sessions.signIn(request.token().strip()).map(session -> {
            Instant expires = session.token().expiresAt();
            ResponseCookie cookie = cookie(exchange, session.plaintext(),
                    Duration.between(Instant.now(), expires).toSeconds());
            return ResponseEntity.status(201).cacheControl(CacheControl.noStore())
                    .header(HttpHeaders.SET_COOKIE, cookie.toString())
                    .body(new MeController.Me(session.token().tokenId(), session.token().name(),
                            TokenController.wireNames(session.token().abilities()), session.token().preset(), expires));
        });
    }

    /** Ends the caller's session (its token is revoked) and clears the cookie; 204 also when there was none. */
    @DeleteMapping("/api/session")
    @Operation(operationId = "signOut", summary = "Sign the browser out and clear its cookie",
            responses = @ApiResponse(responseCode = "204", description = "Signed out"))
    @ProblemTypes("csrf-token-invalid")
    Mono<ResponseEntity<Void>> signOut(@AuthenticationPrincipal @Nullable TokenPrincipal caller, ServerWebExchange exchange) {
        Mono<Void> ended = caller == null ? Mono.empty() : sessions.signOut(caller);
        return ended.then(Mono.fromSupplier(() -> ResponseEntity.noContent()
                .header(HttpHeaders.SET_COOKIE, cookie(exchange, "", 0).toString()).build()));
    }

    /** An unusable token reads as any bad bearer token does: nothing says which part was wrong. */
    @ExceptionHandler(AuthenticationException.class)
    ResponseEntity<ProblemDetail> refused(AuthenticationException refused) {
        return Problems.response(Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated", refused.getMessage()), null);
    }

    /** Secure whenever the browser reached the service over TLS, also through a TLS-terminating trusted proxy. */
    private ResponseCookie cookie(ServerWebExchange exchange, String value, long maxAgeSeconds) {
        return ResponseCookie.from(BrowserSessions.COOKIE, value)
                .httpOnly(true)
                .secure(clients.overTls(exchange))
                .sameSite("Strict")
                .path("/")
                .maxAge(Math.max(0, maxAgeSeconds))
                .build();
    }
}
