package io.agentworkspace.auth;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.agentworkspace.infrastructure.persistence.UtcColumns;
import io.agentworkspace.projection.ProjectionTables;

/** Builds {@code api_tokens}: what authentication looks tokens up in. */
@Component
@ProcessingGroup(ApiTokenProjection.PROCESSOR)
class ApiTokenProjection {

    static final String PROCESSOR = "api-tokens";

    private final JdbcTemplate jdbc;

    ApiTokenProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(ApiTokenIssued event) {
        jdbc.update("""
                INSERT INTO %s (token_id, name, abilities, preset, secret_sha256, expires_at, issued_at, issued_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""".formatted(table()),
                event.tokenId(), event.name(), String.join(" ", event.abilities()), event.preset(),
                event.secretSha256(), UtcColumns.column(event.expiresAt()), UtcColumns.column(event.issuedAt()), event.issuedBy());
    }

    @EventHandler
    void on(ApiTokenRevoked event) {
        jdbc.update("UPDATE " + table() + " SET revoked_at = ?, revoke_reason = ? WHERE token_id = ?",
                UtcColumns.column(event.revokedAt()), event.reason(), event.tokenId());
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM " + table());
    }

    /** The live table, or its shadow while a rebuild runs these handlers. */
    private static String table() {
        return ProjectionTables.of("api_tokens");
    }
}
