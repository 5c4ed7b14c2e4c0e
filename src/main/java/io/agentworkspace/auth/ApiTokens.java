package io.agentworkspace.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.Polling;
import io.agentworkspace.infrastructure.persistence.UtcColumns;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads tokens (R2DBC), records their last use, and tells long-lived connections when a token stops working. */
@Component
public class ApiTokens {

    // a browser session (issued by "session:<parent id>") is revoked with the token it was signed in with
    private static final String COLUMNS = "t.token_id, t.name, t.abilities, t.preset, t.expires_at, t.issued_at, "
            + "t.issued_by, COALESCE(t.revoked_at, p.revoked_at) AS revoked_at, u.last_used_at";
    private static final String TOKENS = "api_tokens t LEFT JOIN api_tokens p ON t.issued_by LIKE '"
            + BrowserSessions.SESSION_OF + "%' AND p.token_id = SUBSTRING(t.issued_by, "
            + (BrowserSessions.SESSION_OF.length() + 1) + ") LEFT JOIN api_token_usage u ON u.token_id = t.token_id";
    private static final Duration TOUCH_EVERY = Duration.ofSeconds(30);

    private final DatabaseClient db;
    private final Clock clock;
    private final Duration watchInterval;
    private final Map<String, Instant> lastTouched = new ConcurrentHashMap<>();

    ApiTokens(DatabaseClient db, Clock clock, AuthSettings settings) {
        this.db = db;
        this.clock = clock;
        this.watchInterval = settings.watchInterval();
    }

    record Stored(TokenRecord token, String secretSha256) {
    }

    Mono<Stored> stored(String tokenId) {
        return db.sql("SELECT " + COLUMNS + ", t.secret_sha256 FROM " + TOKENS + " WHERE t.token_id = :id")
                .bind("id", tokenId)
                .map(row -> new Stored(record(row), row.get("secret_sha256", String.class)))
                .one();
    }

    public Mono<TokenRecord> byId(String tokenId) {
        return stored(tokenId).map(Stored::token);
    }

    public Flux<TokenRecord> all() {
        return db.sql("SELECT " + COLUMNS + " FROM " + TOKENS + " ORDER BY t.issued_at, t.token_id")
                .map(ApiTokens::record)
                .all();
    }

    /** Waits (briefly) until the read model shows the token in the wanted state: read-your-writes for the API. */
    Mono<TokenRecord> awaitState(String tokenId, Predicate<TokenRecord> wanted, Duration timeout) {
        return byId(tokenId).filter(wanted)
                .repeatWhenEmpty(repeats -> repeats.delayElements(Duration.ofMillis(20)))
                .timeout(timeout, Mono.empty());
    }

    /**
     * Completes when the token stops working: revoked, expired, or gone. Long-lived connections (SSE, WebSocket)
     * end themselves on it; checked every {@code agent.auth.watch-interval}.
     */
    public Mono<Void> invalidation(String tokenId) {
        return Polling.every(watchInterval,
                        () -> byId(tokenId).map(token -> token.usableAt(clock.instant())).defaultIfEmpty(false))
                .filter(usable -> !usable)
                .next()
                .then();
    }

    /** Records a use, at most once per {@link #TOUCH_EVERY} per token: a hot token must not write on every request. */
    Mono<Void> touch(String tokenId) {
        Instant now = clock.instant();
        Instant previous = lastTouched.get(tokenId);
        if (previous != null && previous.plus(TOUCH_EVERY).isAfter(now)) {
            return Mono.empty();
        }
        lastTouched.put(tokenId, now);
        LocalDateTime at = UtcColumns.column(now);
        return db.sql("UPDATE api_token_usage SET last_used_at = :at WHERE token_id = :id")
                .bind("at", at).bind("id", tokenId)
                .fetch().rowsUpdated()
                .flatMap(updated -> updated > 0 ? Mono.empty()
                        : db.sql("INSERT INTO api_token_usage (token_id, last_used_at) VALUES (:id, :at)")
                                .bind("id", tokenId).bind("at", at).fetch().rowsUpdated()
                                .onErrorResume(raceLost -> Mono.empty()))
                .then();
    }

    private static TokenRecord record(Readable row) {
        Set<Ability> abilities = Arrays.stream(row.get("abilities", String.class).split(" "))
                .filter(name -> !name.isBlank())
                .map(name -> Ability.ofWireName(name).orElse(null))
                .filter(java.util.Objects::nonNull)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Ability.class)));
        return new TokenRecord(row.get("token_id", String.class), row.get("name", String.class), abilities,
                row.get("preset", String.class), UtcColumns.instant(row.get("expires_at", LocalDateTime.class)),
                UtcColumns.instant(row.get("issued_at", LocalDateTime.class)), row.get("issued_by", String.class),
                UtcColumns.instant(row.get("revoked_at", LocalDateTime.class)), UtcColumns.instant(row.get("last_used_at", LocalDateTime.class)));
    }

    static List<String> wireNames(Set<Ability> abilities) {
        return abilities.stream().sorted().map(Ability::wireName).toList();
    }
}
