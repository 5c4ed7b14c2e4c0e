package io.agentworkspace.auth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.Readable;
import org.springframework.lang.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.BlockingWork;
import io.agentworkspace.infrastructure.RejectedCommand;
import io.agentworkspace.infrastructure.persistence.UtcColumns;
import io.agentworkspace.infrastructure.web.ClientAddresses;
import io.agentworkspace.infrastructure.axon.Commands;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * iPhone pairing: an operator issues a short single-use code; the phone redeems it once, before it expires, for a
 * token with the mobile preset. Redemption is rate-limited per client IP and per code, and every attempt is
 * recorded.
 */
@Component
public class Pairings {

    /** A fresh code, shown once to the operator who issued it. */
    public record Issued(String pairingId, String code, Instant expiresAt, String qrPayload) {
        @Override
        public String toString() {
            return "Issued[" + pairingId + "]";
        }
    }

    /** A pairing as listed: never its code. */
    public record PairingView(String pairingId, @Nullable String label, String status, Instant issuedAt,
                              Instant expiresAt, String issuedBy, @Nullable String deviceName, @Nullable String tokenId,
                              @Nullable Instant pairedAt, @Nullable Instant revokedAt) {
    }

    private static final Duration READ_YOUR_WRITES = Duration.ofSeconds(10);
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final Commands commands;
    private final BlockingWork blocking;
    private final ApiTokens tokens;
    private final AttemptLimiter limiter;
    private final DatabaseClient db;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Duration codeTtl;
    private final int attemptsPerMinute;
    private final int attemptsPerMinuteTotal;
    private final PairingCodeKey codeKey;
    private final TokenIssuance issuance;
    private final Duration attemptsRetention;
    private volatile reactor.core.Disposable pruning;

    Pairings(Commands commands, BlockingWork blocking, ApiTokens tokens, AttemptLimiter limiter, DatabaseClient db,
             Clock clock, MeterRegistry meters, PairingCodeKey codeKey, TokenIssuance issuance,
             PairingSettings settings) {
        this.attemptsRetention = settings.attemptsRetention();
        this.codeKey = codeKey;
        this.issuance = issuance;
        this.attemptsPerMinuteTotal = settings.attemptsPerMinuteTotal();
        this.commands = commands;
        this.blocking = blocking;
        this.tokens = tokens;
        this.limiter = limiter;
        this.db = db;
        this.clock = clock;
        this.meters = meters;
        this.codeTtl = settings.codeTtl();
        this.attemptsPerMinute = settings.attemptsPerMinute();
    }

    public Mono<Issued> issue(@Nullable String label, String issuedBy, String serverUrl) {
        String pairingId = UUID.randomUUID().toString();
        Instant expiresAt = clock.instant().plus(codeTtl);
        return blocking.call(PairingCodes::generate)
                .flatMap(code -> commands.send(new IssuePairingCode(pairingId,
                                codeKey.hash(PairingCodes.normalize(code).orElseThrow()), label, expiresAt, issuedBy))
                        .then(awaitPairing(pairingId, view -> true))
                        .thenReturn(new Issued(pairingId, code, expiresAt, "agentworkspace://pair?server="
                                + URLEncoder.encode(serverUrl, StandardCharsets.UTF_8) + "&code=" + code)));
    }

    public Mono<TokenIssuance.Issued> redeem(String typedCode, String deviceName, String clientIp) {
        String normalized = PairingCodes.normalize(typedCode).orElse("");
        String codeHash = codeKey.hash(normalized);
        // per client, per code, and for all clients together: many addresses still guess slowly in sum
        return Mono.zip(limiter.attempt("pair:ip:" + ClientAddresses.budgetOf(clientIp), attemptsPerMinute, WINDOW),
                        limiter.attempt("pair:code:" + codeHash.substring(0, 16), attemptsPerMinute, WINDOW),
                        limiter.attempt("pair:all", attemptsPerMinuteTotal, WINDOW))
                .flatMap(limits -> {
                    AttemptLimiter.Decision byIp = limits.getT1();
                    AttemptLimiter.Decision byCode = limits.getT2();
                    AttemptLimiter.Decision overall = limits.getT3();
                    if (!byIp.allowed() || !byCode.allowed() || !overall.allowed()) {
                        long wait = Math.max(Math.max(byIp.allowed() ? 0 : byIp.retryAfter().toSeconds(),
                                byCode.allowed() ? 0 : byCode.retryAfter().toSeconds()),
                                overall.allowed() ? 0 : overall.retryAfter().toSeconds()) + 1;
                        return record(clientIp, codeHash, "throttled").then(Mono.error(RejectedCommand.tooManyAttempts(
                                "too-many-pairing-attempts", "Too many pairing attempts; retry later.", wait)));
                    }
                    return pendingPairingOf(normalized.isEmpty() ? null : codeHash)
                            .switchIfEmpty(record(clientIp, codeHash, "unknown-code").then(Mono.error(
                                    () -> RejectedCommand.invalid("invalid-pairing-code", "code", Pairing.UNUSABLE))))
                            .flatMap(pairingId -> exchange(pairingId, codeHash, deviceName, clientIp));
                });
    }

    private Mono<TokenIssuance.Issued> exchange(String pairingId, String codeHash, String deviceName, String clientIp) {
        return blocking.call(TokenSecrets::mint)
                .flatMap(minted -> commands.send(new RedeemPairing(pairingId, codeHash, deviceName,
                                minted.tokenId(), minted.secretSha256()))
                        .onErrorResume(RejectedCommand.class, refused -> record(clientIp, codeHash, "refused")
                                .then(Mono.error(refused)))
                        .then(record(clientIp, codeHash, "paired"))
                        .then(awaitPairing(pairingId, view -> view.pairedAt() != null))
                        .then(tokens.awaitState(minted.tokenId(), token -> true, READ_YOUR_WRITES))
                        .map(token -> new TokenIssuance.Issued(token, minted.plaintext())));
    }

    private Mono<String> pendingPairingOf(@Nullable String codeHash) {
        if (codeHash == null) {
            return Mono.empty();
        }
        return db.sql("SELECT pairing_id FROM pairings WHERE code_sha256 = :hash AND paired_at IS NULL "
                        + "AND revoked_at IS NULL")
                .bind("hash", codeHash)
                .map(row -> row.get("pairing_id", String.class))
                .all().next();
    }

    private Mono<Void> record(String clientIp, String codeHash, String outcome) {
        return Mono.defer(() -> {
            meters.counter("agent.pairing.attempts", "outcome", outcome).increment();
            return insertAttempt(clientIp, codeHash, outcome);
        });
    }

    private Mono<Void> insertAttempt(String clientIp, String codeHash, String outcome) {
        return db.sql("INSERT INTO pairing_attempts (attempted_at, client_ip, code_hash_prefix, outcome) "
                        + "VALUES (:at, :ip, :code, :outcome)")
                .bind("at", UtcColumns.column(clock.instant()))
                .bind("ip", clientIp.length() > 45 ? clientIp.substring(0, 45) : clientIp)
                .bind("code", codeHash.substring(0, 8))
                .bind("outcome", outcome)
                .fetch().rowsUpdated().then();
    }

    /** Attempts older than {@code agent.pairing.attempts-retention} are deleted, hourly: the table stays bounded. */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    void pruneAttempts() {
        pruning = io.agentworkspace.infrastructure.Polling.every(Duration.ofMinutes(1), Duration.ofHours(1),
                () -> pruneAttemptsOlderThan(attemptsRetention).onErrorResume(failure -> Mono.empty())).subscribe();
    }

    @jakarta.annotation.PreDestroy
    void stopPruning() {
        if (pruning != null) {
            pruning.dispose();
        }
    }

    Mono<Long> pruneAttemptsOlderThan(Duration age) {
        return db.sql("DELETE FROM pairing_attempts WHERE attempted_at < :before")
                .bind("before", UtcColumns.column(clock.instant().minus(age)))
                .fetch().rowsUpdated();
    }

    public Flux<PairingView> all() {
        return db.sql("SELECT pairing_id, label, issued_at, expires_at, issued_by, device_name, token_id, paired_at, "
                        + "revoked_at FROM pairings ORDER BY issued_at DESC")
                .map(this::view).all();
    }

    public Mono<Void> revoke(String pairingId, String by) {
        return commands.send(new RevokePairing(pairingId, by))
                .then(awaitPairing(pairingId, view -> view.revokedAt() != null))
                // the device's token lives in another read model: the phone must be locked out when this returns
                .flatMap(view -> view.tokenId() == null ? Mono.empty()
                        : tokens.awaitState(view.tokenId(), token -> token.revokedAt() != null, READ_YOUR_WRITES))
                // and the tokens it renewed into
                .then(issuance.revokeIssuedBy("pairing:" + pairingId, by));
    }

    private Mono<PairingView> byId(String pairingId) {
        return db.sql("SELECT pairing_id, label, issued_at, expires_at, issued_by, device_name, token_id, paired_at, "
                        + "revoked_at FROM pairings WHERE pairing_id = :id").bind("id", pairingId)
                .map(this::view).one();
    }

    /** Read-your-writes: waits (briefly) until the pairings read model shows the change just made. */
    private Mono<PairingView> awaitPairing(String pairingId, java.util.function.Predicate<PairingView> wanted) {
        return byId(pairingId).filter(wanted)
                .repeatWhenEmpty(repeats -> repeats.delayElements(Duration.ofMillis(20)))
                .timeout(READ_YOUR_WRITES, Mono.empty());
    }

    private PairingView view(Readable row) {
        Instant expiresAt = UtcColumns.instant(row.get("expires_at", LocalDateTime.class));
        Instant pairedAt = UtcColumns.instant(row.get("paired_at", LocalDateTime.class));
        Instant revokedAt = UtcColumns.instant(row.get("revoked_at", LocalDateTime.class));
        String status = revokedAt != null ? "revoked" : pairedAt != null ? "paired"
                : clock.instant().isBefore(expiresAt) ? "pending" : "expired";
        return new PairingView(row.get("pairing_id", String.class), row.get("label", String.class), status,
                UtcColumns.instant(row.get("issued_at", LocalDateTime.class)), expiresAt, row.get("issued_by", String.class),
                row.get("device_name", String.class), row.get("token_id", String.class), pairedAt, revokedAt);
    }
}
